// C2.1, C3.3: after a whole support conversation (a ticket opened, read by staff redacted
// and in the clear, answered, followed up, listed, closed), no subject or message is
// found in plaintext in the data directory, the PostgreSQL rows, the audit log or the logs.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shredJournalPath } from '../../src/privacy/kernel/index.js';
import { bearer, createLoggedInStaff, registerCustomer } from '../helpers/identity.js';
import { assertNoLeaks, scanForMarkers, uniqueMarker } from '../helpers/leak-scan.js';
import { createTestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

describeEachEngine('support leaves no plaintext at rest (C2.1)', (engine) => {
  let store: TestStore;
  const subject = uniqueMarker('ticket-subject');
  const first = uniqueMarker('customer-message');
  const answer = uniqueMarker('staff-answer');
  const followUp = uniqueMarker('customer-follow-up');
  let logs = '';
  let keyring = '';
  let conversation = '';

  beforeAll(async () => {
    store = await createTestStore(engine);
    const t = await createTestApp(engine, { store });
    try {
      const customer = await registerCustomer(t.app);
      const agent = await createLoggedInStaff(t, ['support_agent']);
      const colleague = await createLoggedInStaff(t, ['support_agent']);
      const send = async (
        session: { token: string },
        method: 'GET' | 'POST',
        url: string,
        payload?: Record<string, unknown>,
      ) => {
        const reply = await t.app.inject({
          method,
          url,
          headers: bearer(session),
          ...(payload === undefined ? {} : { payload }),
        });
        expect(reply.statusCode, `${method} ${url}: ${reply.body}`).toBeLessThan(300);
        return reply;
      };
      const opened = await send(customer, 'POST', '/store/tickets', {
        subject: `  ${subject} `,
        body: `Hello, ${first}`,
      });
      const id = opened.json<{ id: string }>().id;
      await send(agent, 'GET', `/admin/tickets/${id}`);
      await send(agent, 'POST', `/admin/tickets/${id}/messages`, { body: `Hi, ${answer}` });
      await send(agent, 'GET', `/admin/tickets/${id}`);
      await send(colleague, 'GET', `/admin/tickets/${id}`);
      await send(customer, 'POST', `/store/tickets/${id}/messages`, { body: followUp });
      await send(agent, 'GET', '/admin/tickets');
      await send(customer, 'GET', '/store/tickets');
      conversation = (await send(customer, 'GET', `/store/tickets/${id}`)).body;
      await send(customer, 'POST', `/store/tickets/${id}/close`);
      keyring = t.config.keyringPath;
    } finally {
      await t.close();
      logs = t.logs.text();
    }
  });
  afterAll(async () => store.cleanup());

  const scan = (logText: string) =>
    scanForMarkers({
      markers: [subject, first, answer, followUp],
      dataDir: store.dataDir,
      exclude: [keyring, shredJournalPath(keyring)],
      logs: logText,
      ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    });

  it('finds no subject or message in the data directory, the database or the logs', async () => {
    expect(logs.length).toBeGreaterThan(0);
    assertNoLeaks(await scan(logs));
  });

  it('control: every marker is in the clear where it belongs, the answer to the customer', async () => {
    const findings = await scan(conversation);
    expect(new Set(findings.map((finding) => finding.marker))).toEqual(
      new Set([subject, first, answer, followUp]),
    );
    expect(new Set(findings.map((finding) => finding.where))).toEqual(new Set(['logs']));
  });
});
