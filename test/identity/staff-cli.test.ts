// C2.3: `custodia staff create` in a child process, as an operator runs it for the first
// admin: it prints the credentials once, they log in with a TOTP code, and a refused
// request ends with exit 1 and one line on stderr.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { currentTotp } from '../../src/identity/mfa/index.js';
import type { StaffTables } from '../../src/identity/staff/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import { bearer, syntheticEmail, syntheticPassword } from '../helpers/identity.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { createTestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

interface Printed {
  id: string;
  email: string;
  role: string;
  password: string;
  totpSecret: string;
  recoveryCodes: string[];
}

/** A refusal: exit 1, nothing on stdout, one line on stderr and no stack trace. */
function expectOneLineFailure(result: CliResult): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(lines[0]).toMatch(/^custodia: /);
  return lines[0] ?? '';
}

describeEachEngine('custodia staff create (C2.3)', (engine) => {
  let store: TestStore;

  const staffCreate = (...args: string[]) =>
    runCli(['staff', 'create', ...args], {
      env: { ...store.env, CUSTODIA_LOG_LEVEL: 'silent' },
    });

  /** Opens an app on the same store and runs `check` with it. */
  async function withApp<T>(check: (t: Awaited<ReturnType<typeof createTestApp>>) => Promise<T>) {
    const t = await createTestApp(engine, { store });
    try {
      return await check(t);
    } finally {
      await t.close();
    }
  }

  const staffCount = () =>
    withApp(async (t) => {
      const rows = await tablesOf<StaffTables>(t.database.db)
        .selectFrom('staff')
        .select('id')
        .execute();
      return rows.length;
    });

  beforeEach(async () => {
    store = await createTestStore(engine);
  });
  afterEach(async () => store.cleanup());

  it('--json prints the account and its credentials; they log in with a TOTP code', async () => {
    const email = syntheticEmail('admin');
    const result = await staffCreate('--email', email, '--role', 'admin', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Printed;
    expect(printed).toMatchObject({ email, role: 'admin' });
    expect(printed.id).toMatch(/^stf_/);
    expect(printed.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(new Set(printed.recoveryCodes).size).toBe(10);
    // No --password: a strong one was generated.
    expect(printed.password.length).toBeGreaterThanOrEqual(20);

    await withApp(async (t) => {
      const login = await t.app.inject({
        method: 'POST',
        url: '/admin/sessions',
        payload: {
          email,
          password: printed.password,
          totp: currentTotp(printed.totpSecret, new Date()),
        },
      });
      expect(login.statusCode).toBe(201);
      const session = await t.app.inject({
        url: '/admin/sessions/current',
        headers: bearer(login.json<{ token: string }>()),
      });
      expect(session.json<{ staffId: string; roles: string[] }>()).toMatchObject({
        staffId: printed.id,
        roles: ['admin'],
      });
      const byRecovery = await t.app.inject({
        method: 'POST',
        url: '/admin/sessions',
        payload: { email, password: printed.password, recoveryCode: printed.recoveryCodes[0] },
      });
      expect(byRecovery.statusCode).toBe(201);
    });
  });

  it('uses the password given with --password, and generates a different one each time', async () => {
    const password = syntheticPassword();
    const given = JSON.parse(
      (
        await staffCreate(
          '--email',
          syntheticEmail('a'),
          '--role',
          'finance',
          '--password',
          password,
          '--json',
        )
      ).stdout,
    ) as Printed;
    expect(given.password).toBe(password);
    const generated: string[] = [];
    for (const label of ['b', 'c']) {
      const run = await staffCreate(
        '--email',
        syntheticEmail(label),
        '--role',
        'fulfilment',
        '--json',
      );
      generated.push((JSON.parse(run.stdout) as Printed).password);
    }
    expect(generated[0]).not.toBe(generated[1]);
    expect(await staffCount()).toBe(3);
  });

  it('an unknown role: exit 1, one clear line, no account', async () => {
    const email = syntheticEmail('staff');
    const result = await staffCreate('--email', email, '--role', 'wizard', '--json');
    const line = expectOneLineFailure(result);
    expect(line).toMatch(/role/i);
    expect(result.stderr).not.toContain(email);
    expect(await staffCount()).toBe(0);
  });

  it('a taken email, in any case: exit 1, one line that does not echo the address', async () => {
    const email = syntheticEmail('staff');
    expect((await staffCreate('--email', email, '--role', 'admin', '--json')).code).toBe(0);
    const again = await staffCreate('--email', email.toUpperCase(), '--role', 'finance', '--json');
    const line = expectOneLineFailure(again);
    expect(line).toMatch(/already exists/);
    expect(again.stderr.toLowerCase()).not.toContain(email);
    expect(await staffCount()).toBe(1);
  });

  it('a malformed email or a weak password: exit 1, one line, nothing created', async () => {
    const badEmail = await staffCreate('--email', 'not-an-address', '--role', 'admin', '--json');
    expect(expectOneLineFailure(badEmail)).toMatch(/email/i);
    const weak = await staffCreate(
      '--email',
      syntheticEmail('staff'),
      '--role',
      'admin',
      '--password',
      'short1',
    );
    expect(expectOneLineFailure(weak)).toMatch(/12 characters/);
    expect(weak.stderr).not.toContain('short1');
    expect(await staffCount()).toBe(0);
  });

  it('--help explains the options', async () => {
    const result = await runCli(['staff', 'create', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--email <email>', '--role <role>', '--password <password>', '--json']) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stdout).toMatch(/TOTP/);
  });
});
