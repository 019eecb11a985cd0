// C1.3, C2.1: after sign-ins (successful and failed, IPv4 and IPv6, with the database
// rate-limit store), the full client address and the user agent are found nowhere at rest:
// not in the database files, not in PostgreSQL rows, not in the logs.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shredJournalPath } from '../../src/privacy/kernel/index.js';
import { syntheticPassword } from '../helpers/identity.js';
import { registerCustomer } from '../helpers/identity.js';
import { assertNoLeaks, scanForMarkers, uniqueMarker } from '../helpers/leak-scan.js';
import { createTestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

// Full addresses that only the client knows; their networks are 203.0.113.0 and 2001:db8:beef::.
const IPV4 = '203.0.113.219';
const IPV6 = '2001:db8:beef:cafe:1234:5678:9abc:def0';

describeEachEngine('service log keeps no full address (C1.3)', (engine) => {
  let store: TestStore;
  const agent = `Browser/${uniqueMarker('user-agent')}`;
  let logs = '';
  let keyring = '';
  let answer = '';

  beforeAll(async () => {
    store = await createTestStore(engine);
    const t = await createTestApp(engine, {
      store,
      env: { CUSTODIA_RATE_LIMIT_STORE: 'database' },
    });
    try {
      const customer = await registerCustomer(t.app);
      for (const remoteAddress of [IPV4, IPV6]) {
        for (const password of [customer.password, syntheticPassword()]) {
          await t.app.inject({
            method: 'POST',
            url: '/store/sessions',
            payload: { email: customer.email, password },
            remoteAddress,
            headers: { 'user-agent': agent },
          });
        }
      }
      const signIns = await t.app.inject({
        url: '/store/me/sign-ins',
        headers: { authorization: `Bearer ${customer.token}` },
      });
      answer = signIns.body;
      keyring = t.config.keyringPath;
    } finally {
      await t.close();
      logs = t.logs.text();
    }
  });
  afterAll(async () => store.cleanup());

  const scan = (markers: string[], logText: string) =>
    scanForMarkers({
      markers,
      dataDir: store.dataDir,
      exclude: [keyring, shredJournalPath(keyring)],
      logs: logText,
      ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    });

  it('shows the customer the networks and the agent, never the full addresses', () => {
    expect(answer).toContain('"network":"203.0.113.0"');
    expect(answer).toContain('"network":"2001:db8:beef::"');
    expect(answer).toContain(agent);
    for (const full of [IPV4, IPV6]) expect(answer).not.toContain(full);
  });

  it('finds neither full address nor the user agent in the data directory, the database or the logs', async () => {
    expect(logs.length).toBeGreaterThan(0);
    assertNoLeaks(await scan([IPV4, IPV6, agent], logs));
  });

  it('control: the scan finds the agent where it is in the clear (the answer to its owner)', async () => {
    const findings = await scan([agent], answer);
    expect(findings.map((finding) => finding.where)).toEqual(['logs']);
  });
});
