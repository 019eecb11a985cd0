// C2.3: staff accounts are created only by `staff.manage` after a fresh re-authentication,
// set up once through a token that expires, listed with masked emails; operator-defined
// roles from CUSTODIA_ROLES_FILE work like the defaults, and a bad file stops startup.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/app/startup-error.js';
import { currentTotp } from '../../src/identity/mfa/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  syntheticEmail,
  syntheticPassword,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, TEST_ENGINES } from '../helpers/test-engines.js';

const STEP_MS = 30_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Created {
  id: string;
  roles: string[];
  setupToken: string;
  setupExpiresAt: string;
}
interface Enrolment {
  totpSecret: string;
  otpauthUri: string;
  recoveryCodes: string[];
}
interface ListedStaff {
  id: string;
  roles: string[];
  email: string | null;
  active: boolean;
}

const codeOf = (response: LightMyRequestResponse) =>
  response.json<{ error?: { code: string } }>().error?.code;

/** Requests of one app on a clock the test moves. */
function staffApi(t: TestApp, clock: ManualClock) {
  return {
    create: (as: { token: string }, email: string, roles: string[]) =>
      t.app.inject({
        method: 'POST',
        url: '/admin/staff',
        headers: bearer(as),
        payload: { email, roles },
      }),
    setup: (token: string, password: string) =>
      t.app.inject({ method: 'POST', url: '/admin/staff-setup', payload: { token, password } }),
    reauth: (as: { token: string }, payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/admin/sessions/current/reauth',
        headers: bearer(as),
        payload,
      }),
    login: (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/admin/sessions', payload }),
    list: (as: { token: string }) => t.app.inject({ url: '/admin/staff', headers: bearer(as) }),
    totp: (secret: string) => currentTotp(secret, clock.now()),
  };
}

describeEachEngine('staff management (C2.3)', (engine) => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: LoggedInStaff;
  let api: ReturnType<typeof staffApi>;

  beforeEach(async () => {
    clock = new ManualClock();
    t = await createTestApp(engine, { clock });
    api = staffApi(t, clock);
    admin = await createLoggedInStaff(t, ['admin']);
  });
  afterEach(async () => t.close());

  it('creating staff needs the staff.manage permission', async () => {
    const agent = await createLoggedInStaff(t, ['support_agent']);
    const refused = await api.create(agent, syntheticEmail('staff'), ['support_agent']);
    expect(refused.statusCode).toBe(403);
    expect(codeOf(refused)).toBe('PERMISSION_DENIED');
    expect(codeOf(await api.list(agent))).toBe('PERMISSION_DENIED');
    const listed = (await api.list(admin)).json<{ staff: ListedStaff[] }>().staff;
    expect(listed.map((s) => s.id).sort()).toEqual([admin.id, agent.id].sort());
  });

  it('needs a re-authentication within 5 minutes, by recovery code or a fresh TOTP step', async () => {
    expect((await api.create(admin, syntheticEmail('staff'), ['finance'])).statusCode).toBe(201);
    clock.advance(5 * MINUTE + 1);
    const stale = await api.create(admin, syntheticEmail('staff'), ['finance']);
    expect(stale.statusCode).toBe(403);
    expect(codeOf(stale)).toBe('REAUTHENTICATION_REQUIRED');

    // The code of the step used at login cannot be presented again.
    const replayed = await api.reauth(admin, {
      password: admin.password,
      totp: currentTotp(admin.totpSecret, new Date(clock.now().getTime() - 5 * MINUTE - 1)),
    });
    expect(codeOf(replayed)).toBe('INVALID_CREDENTIALS');
    const wrong = await api.reauth(admin, {
      password: `${admin.password}x`,
      totp: api.totp(admin.totpSecret),
    });
    expect(codeOf(wrong)).toBe('INVALID_CREDENTIALS');
    const noFactor = await api.reauth(admin, { password: admin.password });
    expect(codeOf(noFactor)).toBe('INVALID_CREDENTIALS');
    expect(codeOf(await api.create(admin, syntheticEmail('staff'), ['finance']))).toBe(
      'REAUTHENTICATION_REQUIRED',
    );

    const [recoveryCode] = admin.recoveryCodes;
    const byCode = await api.reauth(admin, { password: admin.password, recoveryCode });
    expect(byCode.statusCode).toBe(204);
    expect((await api.create(admin, syntheticEmail('staff'), ['finance'])).statusCode).toBe(201);

    clock.advance(5 * MINUTE + 1);
    expect(codeOf(await api.create(admin, syntheticEmail('staff'), ['finance']))).toBe(
      'REAUTHENTICATION_REQUIRED',
    );
    // The recovery code was spent by the first re-authentication.
    expect(codeOf(await api.reauth(admin, { password: admin.password, recoveryCode }))).toBe(
      'INVALID_CREDENTIALS',
    );
    const byTotp = await api.reauth(admin, {
      password: admin.password,
      totp: api.totp(admin.totpSecret),
    });
    expect(byTotp.statusCode).toBe(204);
    expect((await api.create(admin, syntheticEmail('staff'), ['finance'])).statusCode).toBe(201);
  });

  it('issues a one-time set-up token; set-up sets the password and enrols TOTP', async () => {
    const email = syntheticEmail('staff');
    const created = await api.create(admin, email, ['support_agent']);
    expect(created.statusCode).toBe(201);
    const account = created.json<Created>();
    expect(account.roles).toEqual(['support_agent']);
    expect(account.setupToken.length).toBeGreaterThanOrEqual(32);
    expect(new Date(account.setupExpiresAt).getTime()).toBe(clock.now().getTime() + 72 * HOUR);
    expect(created.body).not.toContain(email);

    // Before set-up the account has no password and no second factor: no way in.
    const early = await api.login({ email, password: syntheticPassword(), totp: '123456' });
    expect(codeOf(early)).toBe('INVALID_CREDENTIALS');
    let listed = (await api.list(admin)).json<{ staff: ListedStaff[] }>().staff;
    expect(listed.find((s) => s.id === account.id)?.active).toBe(false);

    const weak = await api.setup(account.setupToken, 'short');
    expect(weak.statusCode).toBe(400);
    expect(codeOf(weak)).toBe('PASSWORD_TOO_SHORT');

    const password = syntheticPassword();
    const done = await api.setup(account.setupToken, password);
    expect(done.statusCode).toBe(200);
    const enrolment = done.json<Enrolment>();
    expect(enrolment.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(enrolment.otpauthUri).toContain(`secret=${enrolment.totpSecret}`);
    expect(new Set(enrolment.recoveryCodes).size).toBe(10);

    const again = await api.setup(account.setupToken, syntheticPassword());
    expect(again.statusCode).toBe(400);
    expect(codeOf(again)).toBe('SETUP_TOKEN_INVALID');

    const login = await api.login({ email, password, totp: api.totp(enrolment.totpSecret) });
    expect(login.statusCode).toBe(201);
    const session = await t.app.inject({
      url: '/admin/sessions/current',
      headers: bearer(login.json<{ token: string }>()),
    });
    expect(session.json<{ roles: string[] }>().roles).toEqual(['support_agent']);
    listed = (await api.list(admin)).json<{ staff: ListedStaff[] }>().staff;
    expect(listed.find((s) => s.id === account.id)?.active).toBe(true);
  });

  it('a set-up token expires after 72 hours', async () => {
    const inTime = (await api.create(admin, syntheticEmail('staff'), ['finance'])).json<Created>();
    const late = (await api.create(admin, syntheticEmail('staff'), ['finance'])).json<Created>();
    clock.advance(72 * HOUR - 1);
    expect((await api.setup(inTime.setupToken, syntheticPassword())).statusCode).toBe(200);
    clock.advance(1);
    const expired = await api.setup(late.setupToken, syntheticPassword());
    expect(expired.statusCode).toBe(400);
    expect(codeOf(expired)).toBe('SETUP_TOKEN_INVALID');
  });

  it('refuses an unknown role (400) and a taken email, whatever its case (409)', async () => {
    const unknown = await api.create(admin, syntheticEmail('staff'), ['support_agent', 'wizard']);
    expect(unknown.statusCode).toBe(400);
    expect(codeOf(unknown)).toBe('ROLE_UNKNOWN');
    const taken = await api.create(admin, admin.email.toUpperCase(), ['finance']);
    expect(taken.statusCode).toBe(409);
    expect(codeOf(taken)).toBe('STAFF_EMAIL_TAKEN');
    expect(taken.body).not.toContain(admin.email.toUpperCase());
    const listed = (await api.list(admin)).json<{ staff: ListedStaff[] }>().staff;
    expect(listed).toHaveLength(1);
  });

  it('lists accounts with their roles and emails masked for an admin', async () => {
    const email = syntheticEmail('staff');
    clock.advance(1000); // the list is ordered by creation time
    const created = (await api.create(admin, email, ['fulfilment'])).json<Created>();
    const listed = await api.list(admin);
    expect(listed.statusCode).toBe(200);
    const staff = listed.json<{ staff: ListedStaff[] }>().staff;
    expect(staff.map((s) => s.roles)).toEqual([['admin'], ['fulfilment']]);
    expect(staff.map((s) => s.id)).toEqual([admin.id, created.id]);
    for (const [shown, clear] of [
      [staff[0]?.email, admin.email],
      [staff[1]?.email, email],
    ] as const) {
      expect(shown).toMatch(/@example\.test$/);
      expect(shown).not.toBe(clear);
      expect(shown).not.toContain(clear.split('@')[0]);
    }
    expect(listed.body).not.toContain(email);
    expect(listed.body).not.toContain(admin.email);
  });
});

const CUSTOM_ROLES = {
  roles: [
    {
      name: 'returns_clerk',
      description: 'Handles returned parcels: the customer email masked, nothing else',
      permissions: ['customers.read', 'orders.read'],
      grants: [{ category: 'registration.email', purpose: 'customer_support', view: 'masked' }],
    },
  ],
};

describe('operator-defined roles from CUSTODIA_ROLES_FILE (C2.3)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custodia-roles-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const rolesFile = (content: string) => {
    const path = join(dir, 'roles.json');
    writeFileSync(path, content);
    return path;
  };

  for (const engine of TEST_ENGINES) {
    it(`accepts a custom role, which staff can be given and use [${engine}]`, async () => {
      const clock = new ManualClock();
      const env = { CUSTODIA_ROLES_FILE: rolesFile(JSON.stringify(CUSTOM_ROLES)) };
      const t = await createTestApp(engine, { clock, env });
      try {
        const api = staffApi(t, clock);
        const admin = await createLoggedInStaff(t, ['admin']);
        const email = syntheticEmail('clerk');
        const created = await api.create(admin, email, ['returns_clerk']);
        expect(created.statusCode).toBe(201);
        const password = syntheticPassword();
        const enrolment = (
          await api.setup(created.json<Created>().setupToken, password)
        ).json<Enrolment>();
        clock.advance(STEP_MS);
        const login = await api.login({ email, password, totp: api.totp(enrolment.totpSecret) });
        expect(login.statusCode).toBe(201);
        const clerk = login.json<{ token: string }>();
        const me = await t.app.inject({ url: '/admin/sessions/current', headers: bearer(clerk) });
        expect(me.json<{ roles: string[] }>().roles).toEqual(['returns_clerk']);

        const customer = await registerCustomer(t.app);
        const read = await t.app.inject({
          url: `/admin/customers/${customer.id}`,
          headers: bearer(clerk),
        });
        expect(read.statusCode).toBe(200);
        const fields = read.json<{ fields: Record<string, { view: string; value?: string }> }>()
          .fields;
        expect(fields['email']?.view).toBe('masked');
        expect(fields['email']?.value).not.toBe(customer.email);
        expect(fields['name']).toBeUndefined();
        const reveal = await t.app.inject({
          method: 'POST',
          url: `/admin/customers/${customer.id}/reveal`,
          headers: bearer(clerk),
          payload: { fields: ['email'], reason: 'Customer asked about a returned parcel' },
        });
        expect(codeOf(reveal)).toBe('PERMISSION_DENIED');
      } finally {
        await t.close();
      }
    });

    it(`a bad roles file stops startup with one line naming CUSTODIA_ROLES_FILE [${engine}]`, async () => {
      const bad = [
        '{ "roles": [',
        JSON.stringify({
          roles: [{ ...CUSTOM_ROLES.roles[0], permissions: ['customers.delete'] }],
        }),
        JSON.stringify({ roles: [{ ...CUSTOM_ROLES.roles[0], name: 'admin' }] }),
      ];
      for (const content of bad) {
        const store = await createTestStore(engine);
        try {
          const env = { CUSTODIA_ROLES_FILE: rolesFile(content) };
          const failure = await createTestApp(engine, { store, env }).then(
            () => new Error('the app started'),
            (error: unknown) => error,
          );
          expect(failure).toBeInstanceOf(StartupError);
          const message = (failure as Error).message;
          expect(message).toMatch(/^CUSTODIA_ROLES_FILE: /);
          expect(message).not.toContain('\n');
        } finally {
          await store.cleanup();
        }
      }
    });
  }
});
