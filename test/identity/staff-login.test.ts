// C2.3, C2.4: every staff session has passed a second factor. A TOTP code or recovery code
// is accepted once, every failure gives the same answer, ten failures lock the account for
// thirty minutes, and a disabled account loses its sessions at once.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { currentTotp, newTotpSecret } from '../../src/identity/mfa/index.js';
import type { StaffTables } from '../../src/identity/staff/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { tablesOf } from '../../src/platform/db/index.js';
import {
  bearer,
  createLoggedInStaff,
  syntheticEmail,
  type LoggedInStaff,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

const STEP_MS = 30_000;
const MINUTE = 60_000;

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** The parts of a refusal a caller can tell apart: status, code and message. */
function answer(response: LightMyRequestResponse) {
  const { error } = response.json<ErrorBody>();
  return { status: response.statusCode, code: error.code, message: error.message };
}

/** The codes the secret accepts around `at` (one step either side). */
function validCodes(secret: string, at: Date): Set<string> {
  return new Set([-1, 0, 1].map((d) => currentTotp(secret, new Date(at.getTime() + d * STEP_MS))));
}

/** A well-formed six-digit code that the secret does not accept around `at`. */
function wrongCode(secret: string, at: Date): string {
  const valid = validCodes(secret, at);
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

/** The current code of another secret, one the staff member's secret does not accept. */
function otherSecretsCode(secret: string, at: Date): string {
  const valid = validCodes(secret, at);
  for (;;) {
    const code = currentTotp(newTotpSecret(), at);
    if (!valid.has(code)) return code;
  }
}

describeEachEngine('staff login: MFA, one-time codes and lockout (C2.3, C2.4)', (engine) => {
  let t: TestApp;
  let clock: ManualClock;
  let staff: LoggedInStaff;

  const login = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/admin/sessions', payload });
  const totpNow = (secret = staff.totpSecret) => currentTotp(secret, clock.now());
  const current = (session: { token: string }) =>
    t.app.inject({ url: '/admin/sessions/current', headers: bearer(session) });

  beforeEach(async () => {
    clock = new ManualClock();
    t = await createTestApp(engine, { clock });
    staff = await createLoggedInStaff(t, ['support_agent']);
    // The helper's login used the current step; later logins start on a fresh one.
    clock.advance(STEP_MS);
  });
  afterEach(async () => t.close());

  it('refuses the right password without a valid code exactly as a wrong password or unknown email', async () => {
    const { email, password, totpSecret } = staff;
    const now = clock.now();
    const refusals = [
      await login({ email, password }),
      await login({ email, password, totp: wrongCode(totpSecret, now) }),
      await login({ email, password, totp: otherSecretsCode(totpSecret, now) }),
      await login({ email, password: `${password}x`, totp: totpNow() }),
      await login({ email: syntheticEmail('nobody'), password, totp: totpNow() }),
    ];
    const answers = refusals.map(answer);
    for (const refused of answers) {
      expect(refused).toEqual({
        status: 401,
        code: 'INVALID_CREDENTIALS',
        message: answers[0]?.message,
      });
    }
    for (const refused of refusals) expect(refused.headers['set-cookie']).toBeUndefined();
    // None of those burned the current step: the right code still works.
    expect((await login({ email, password, totp: totpNow() })).statusCode).toBe(201);
  });

  it('accepts a TOTP code once; a replay, or an older code after a newer one, is refused', async () => {
    const { email, password } = staff;
    const code = totpNow();
    const first = await login({ email, password, totp: code });
    expect(first.statusCode).toBe(201);
    expect(answer(await login({ email, password, totp: code })).code).toBe('INVALID_CREDENTIALS');
    const older = code;
    clock.advance(STEP_MS);
    // The previous step is still inside the drift window, but it was used already.
    expect(answer(await login({ email, password, totp: older })).status).toBe(401);
    expect((await login({ email, password, totp: totpNow() })).statusCode).toBe(201);
  });

  it('accepts a code typed as the authenticator app shows it, with a space in the middle', async () => {
    const code = totpNow();
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;
    const response = await login({ email: staff.email, password: staff.password, totp: spaced });
    expect(response.statusCode).toBe(201);
  });

  it('accepts a recovery code once instead of a TOTP code, and only with the right password', async () => {
    const { email, password, recoveryCodes } = staff;
    const [recoveryCode, another] = recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    // A wrong password does not reach the second factor, so the code is not spent.
    const wrongPassword = await login({ email, password: `${password}x`, recoveryCode });
    expect(answer(wrongPassword).code).toBe('INVALID_CREDENTIALS');
    const used = await login({ email, password, recoveryCode });
    expect(used.statusCode).toBe(201);
    expect((await current(used.json<{ token: string }>())).statusCode).toBe(200);
    expect(answer(await login({ email, password, recoveryCode })).code).toBe('INVALID_CREDENTIALS');
    expect((await login({ email, password, recoveryCode: another })).statusCode).toBe(201);
  });

  it('locks the account after ten failures, even for the right code, for thirty minutes', async () => {
    const { email, password } = staff;
    for (let i = 0; i < 10; i++) {
      const refused = await login({ email, password: `${password}-${i}`, totp: totpNow() });
      expect(answer(refused).code).toBe('INVALID_CREDENTIALS');
    }
    const locked = await login({ email, password, totp: totpNow() });
    expect(answer(locked)).toMatchObject({ status: 429, code: 'LOGIN_THROTTLED' });
    expect(Number(locked.headers['retry-after'])).toBe(30 * 60);
    expect(locked.headers['set-cookie']).toBeUndefined();

    // The lock is the account's, not everyone's.
    const colleague = await createLoggedInStaff(t, ['fulfilment']);
    expect((await current(colleague)).statusCode).toBe(200);

    clock.advance(29 * MINUTE);
    const stillLocked = await login({ email, password, totp: totpNow() });
    expect(stillLocked.statusCode).toBe(429);
    expect(Number(stillLocked.headers['retry-after'])).toBe(60);

    clock.advance(MINUTE);
    const after = await login({ email, password, totp: totpNow() });
    expect(after.statusCode).toBe(201);
    expect((await current(after.json<{ token: string }>())).statusCode).toBe(200);
  });

  it('a disabled account cannot log in, and its open sessions stop working', async () => {
    const second = await login({ email: staff.email, password: staff.password, totp: totpNow() });
    expect(second.statusCode).toBe(201);
    expect((await current(staff)).statusCode).toBe(200);
    await tablesOf<StaffTables>(t.database.db)
      .updateTable('staff')
      .set({ disabled_at: clock.now().getTime() })
      .where('id', '=', staff.id)
      .execute();
    for (const session of [staff, second.json<{ token: string }>()]) {
      expect(answer(await current(session))).toMatchObject({
        status: 401,
        code: 'AUTHENTICATION_REQUIRED',
      });
    }
    clock.advance(STEP_MS);
    const refused = await login({ email: staff.email, password: staff.password, totp: totpNow() });
    expect(answer(refused)).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('GET /admin/sessions/current shows the staff id and every role', async () => {
    const both = await createLoggedInStaff(t, ['support_agent', 'finance']);
    const shown = await current(both);
    expect(shown.statusCode).toBe(200);
    const body = shown.json<{ staffId: string; roles: string[]; expiresAt: string }>();
    expect(body.staffId).toBe(both.id);
    expect([...body.roles].sort()).toEqual(['finance', 'support_agent']);
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(clock.now().getTime());
    expect((await current(staff)).json<{ roles: string[] }>().roles).toEqual(['support_agent']);
  });

  it('logout revokes that session only', async () => {
    const other = await login({ email: staff.email, password: staff.password, totp: totpNow() });
    expect(other.statusCode).toBe(201);
    const out = await t.app.inject({
      method: 'DELETE',
      url: '/admin/sessions/current',
      headers: bearer(staff),
    });
    expect(out.statusCode).toBe(204);
    expect(answer(await current(staff)).code).toBe('AUTHENTICATION_REQUIRED');
    expect((await current(other.json<{ token: string }>())).statusCode).toBe(200);
  });
});
