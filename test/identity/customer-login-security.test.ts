// C2.3, C2.4: customer login against account enumeration and brute force (ASVS 2.2) —
// unknown and known addresses fail alike, in comparable time; a customer account backs
// off after its free failures (CUSTOMER_LOGIN_POLICY), a client address is limited across
// accounts (IP_LOGIN_POLICY), and a successful login clears the account's count.
import { performance } from 'node:perf_hooks';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CUSTOMER_LOGIN_POLICY, IP_LOGIN_POLICY } from '../../src/identity/throttle/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { syntheticEmail, syntheticPassword } from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

interface ErrorReply {
  error: { code: string; message: string; requestId: string; details?: unknown };
}
const errorOf = (response: LightMyRequestResponse) => response.json<ErrorReply>().error;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

describeEachEngine('customer login: enumeration and brute force (C2.3, C2.4)', (engine) => {
  let clock: ManualClock;
  let t: TestApp;
  beforeEach(async () => {
    clock = new ManualClock();
    // The database store counts the route rate limit on the app's clock, so moving the
    // clock in a test also moves that window, as it moves the login throttle's.
    t = await createTestApp(engine, { clock, env: { CUSTODIA_RATE_LIMIT_STORE: 'database' } });
  });
  afterEach(async () => t.close());

  const login = (email: string, password: string, remoteAddress = '192.0.2.10') =>
    t.app.inject({
      method: 'POST',
      url: '/store/sessions',
      payload: { email, password },
      remoteAddress,
    });

  async function register(remoteAddress = '192.0.2.10') {
    const account = { email: syntheticEmail(), password: syntheticPassword() };
    const response = await t.app.inject({
      method: 'POST',
      url: '/store/customers',
      payload: { ...account, name: 'Test Customer' },
      remoteAddress,
    });
    expect(response.statusCode).toBe(202);
    return account;
  }

  /** The status of an attempt, with LOGIN_THROTTLED's Retry-After when refused. */
  async function attempt(email: string, password: string, remoteAddress?: string) {
    const response = await login(email, password, remoteAddress);
    if (response.statusCode !== 429) return response.statusCode;
    expect(errorOf(response).code).toBe('LOGIN_THROTTLED');
    const retryAfter = String(response.headers['retry-after']);
    expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
    expect(errorOf(response).details).toEqual({ retryAfterSeconds: Number(retryAfter) });
    return `429 after ${retryAfter}s`;
  }

  it('fails an unknown address and a wrong password alike, in comparable time', async () => {
    const rounds = 9;
    // Fresh email and client addresses for every attempt, so no throttle count builds up.
    const known = [];
    for (let i = 0; i <= rounds; i++) known.push(await register(`203.0.113.${i + 1}`));
    const replies: LightMyRequestResponse[] = [];
    const timings = { unknown: [] as number[], known: [] as number[] };
    const timed = async (email: string, list: number[] | undefined, ip: string) => {
      const started = performance.now();
      const response = await login(email, syntheticPassword(), ip);
      list?.push(performance.now() - started);
      replies.push(response);
    };
    // One untimed round first, so that neither path pays for warming up.
    for (let i = 0; i <= rounds; i++) {
      const ip = `203.0.113.${100 + i}`;
      const warm = i === 0;
      await timed(syntheticEmail('nobody'), warm ? undefined : timings.unknown, ip);
      await timed(known[i]?.email ?? '', warm ? undefined : timings.known, ip);
    }
    const first = replies[0];
    if (first === undefined) throw new Error('no replies');
    for (const reply of replies) {
      expect(reply.statusCode).toBe(401);
      const { requestId, ...rest } = errorOf(reply);
      expect(requestId).toEqual(expect.any(String));
      expect(rest).toEqual({
        code: 'INVALID_CREDENTIALS',
        message: errorOf(first).message,
      });
      expect(reply.headers['content-type']).toBe(first.headers['content-type']);
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
    expect(timings.unknown).toHaveLength(rounds);
    const ratio = median(timings.known) / median(timings.unknown);
    expect(ratio, JSON.stringify(timings)).toBeGreaterThanOrEqual(0.5);
    expect(ratio, JSON.stringify(timings)).toBeLessThanOrEqual(2);
  });

  it('backs an account off after its free failures, refusing even the right password, with growing waits', async () => {
    expect(CUSTOMER_LOGIN_POLICY).toMatchObject({ freeFailures: 5, baseDelayMs: SECOND });
    const customer = await register();
    const wrong = () => attempt(customer.email, 'not-the-password');
    // Five free failures, then the sixth imposes the first wait.
    for (let n = 1; n <= 6; n++) expect(await wrong(), `failure ${n}`).toBe(401);
    expect(await attempt(customer.email, customer.password)).toBe('429 after 1s');
    clock.advance(SECOND - 1);
    expect(await attempt(customer.email, customer.password)).toBe('429 after 1s');
    clock.advance(1);
    // Each failure once the wait is over doubles the next wait.
    const waits: (string | number)[] = [];
    for (const seconds of [2, 4, 8, 16]) {
      expect(await wrong()).toBe(401);
      waits.push(await wrong());
      clock.advance(seconds * SECOND);
    }
    expect(waits).toEqual(['429 after 2s', '429 after 4s', '429 after 8s', '429 after 16s']);
    // Another account from the same address is not held back by this one.
    const other = await register();
    expect(await attempt(other.email, other.password)).toBe(201);
    expect(await attempt(customer.email, customer.password)).toBe(201);
  });

  it('throttles an unknown address exactly as a known one (no enumeration by throttle)', async () => {
    const customer = await register();
    const nobody = syntheticEmail('nobody');
    const outcomes = async (email: string) => {
      const seen = [];
      for (let n = 0; n < 8; n++) seen.push(await attempt(email, 'not-the-password'));
      return seen;
    };
    const forKnown = await outcomes(customer.email);
    expect(await outcomes(nobody)).toEqual(forKnown);
    expect(forKnown).toEqual([401, 401, 401, 401, 401, 401, '429 after 1s', '429 after 1s']);
  });

  it('clears an account’s failures after a successful login', async () => {
    const customer = await register();
    for (let n = 1; n <= 6; n++) expect(await attempt(customer.email, 'wrong-password')).toBe(401);
    clock.advance(SECOND);
    expect(await attempt(customer.email, customer.password)).toBe(201);
    // A new run: five free failures and a sixth attempt before any wait.
    for (let n = 1; n <= 6; n++) expect(await attempt(customer.email, 'wrong-password')).toBe(401);
    expect(await attempt(customer.email, customer.password)).toBe('429 after 1s');
  });

  it('backs off guesses of the current password at a password change, across the account’s sessions', async () => {
    const customer = await register();
    const sessions = [];
    for (const ip of ['192.0.2.21', '192.0.2.22']) {
      const response = await login(customer.email, customer.password, ip);
      sessions.push(response.json<{ token: string }>().token);
    }
    const change = async (token: string | undefined, currentPassword: string) => {
      const response = await t.app.inject({
        method: 'PUT',
        url: '/store/me/password',
        headers: { authorization: `Bearer ${token ?? ''}` },
        payload: { currentPassword, newPassword: syntheticPassword() },
      });
      if (response.statusCode !== 429) return response.statusCode;
      expect(errorOf(response).code).toBe('LOGIN_THROTTLED');
      return `429 after ${String(response.headers['retry-after'])}s`;
    };
    // A stolen session is no way to guess the password: the run counts for the account.
    for (let n = 1; n <= 6; n++)
      expect(await change(sessions[n % 2], 'a-guessed-password')).toBe(401);
    expect(await change(sessions[0], customer.password)).toBe('429 after 1s');
    expect(await change(sessions[1], customer.password)).toBe('429 after 1s');
    clock.advance(SECOND);
    expect(await change(sessions[1], customer.password)).toBe(200);
  });

  it('limits one client address to 50 failures in 15 minutes across accounts', async () => {
    expect(IP_LOGIN_POLICY).toMatchObject({ maxFailures: 50, windowMs: 15 * MINUTE });
    const ip = '198.51.100.77';
    const customer = await register('198.51.100.78');
    const step = 3 * SECOND; // 20 attempts a minute: under the route's own rate limit
    for (let n = 1; n <= 50; n++) {
      expect(await attempt(syntheticEmail('spray'), 'not-the-password', ip), `failure ${n}`).toBe(
        401,
      );
      // A success in the run does not reset the address's count.
      if (n === 25) expect(await attempt(customer.email, customer.password, ip)).toBe(201);
      clock.advance(step);
    }
    // The window opened at the first failure; 50 steps of 3 s have passed since.
    const left = (15 * MINUTE - 50 * step) / SECOND;
    expect(await attempt(syntheticEmail('spray'), 'not-the-password', ip)).toBe(
      `429 after ${left}s`,
    );
    expect(await attempt(customer.email, customer.password, ip)).toBe(`429 after ${left}s`);
    expect(await attempt(customer.email, customer.password, '198.51.100.79')).toBe(201);
    clock.advance(left * SECOND);
    expect(await attempt(customer.email, customer.password, ip)).toBe(201);
  });
});
