// ASVS 2.2.1: failed sign-ins are limited per staff account (lockout), per customer
// account (growing delays) and per address (window), in the database on both engines,
// with keys stored only as keyed HMACs.
import { createHash, createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { MIGRATIONS } from '../../app/migrations.js';
import { ManualClock } from '../../platform/clock.js';
import { migrateToLatest, openDatabase, tablesOf, type Database } from '../../platform/db/index.js';
import {
  createTestStore,
  describeEachEngine,
  type TestStore,
} from '../../../test/helpers/test-engines.js';
import {
  LoginThrottle,
  CUSTOMER_LOGIN_POLICY,
  IP_LOGIN_POLICY,
  STAFF_LOGIN_POLICY,
  throttleMigration,
  type ThrottleEntry,
  type ThrottleTables,
} from './index.js';

const MINUTE = 60_000;
// Synthetic keys in the shape a sign-in route would build them.
const staff = (n = 1): ThrottleEntry => ({
  key: `account:staff${n}@shop.example.test`,
  policy: STAFF_LOGIN_POLICY,
});
const customer = (n = 1): ThrottleEntry => ({
  key: `account:shopper${n}@example.test`,
  policy: CUSTOMER_LOGIN_POLICY,
});
const address = (ip = '203.0.113.7'): ThrottleEntry => ({
  key: `ip:${ip}`,
  policy: IP_LOGIN_POLICY,
});

describeEachEngine('LoginThrottle', (engine) => {
  let store: TestStore;
  let database: Database;
  let db: Kysely<ThrottleTables>;
  let clock: ManualClock;
  let throttle: LoginThrottle;

  beforeAll(async () => {
    store = await createTestStore(engine);
    database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
    await migrateToLatest(database.db, [...MIGRATIONS, throttleMigration]);
    db = tablesOf<ThrottleTables>(database.db);
  });
  afterAll(async () => {
    await database.close();
    await store.cleanup();
  });
  beforeEach(async () => {
    await db.deleteFrom('login_throttle').execute();
    clock = new ManualClock(new Date('2026-02-01T10:00:00Z'));
    throttle = new LoginThrottle(db, clock);
  });

  async function fail(entries: ThrottleEntry[], times: number): Promise<void> {
    for (let i = 0; i < times; i++) await throttle.recordFailure(entries);
  }

  it('allows anything before a failure, and an empty list always', async () => {
    expect(await throttle.check([staff(), customer(), address()])).toEqual({ allowed: true });
    expect(await throttle.check([])).toEqual({ allowed: true });
  });

  it('locks a staff account after 10 failures for 30 minutes, then lets it try again', async () => {
    await fail([staff()], 9);
    expect(await throttle.check([staff()])).toEqual({ allowed: true });
    await fail([staff()], 1);
    expect(await throttle.check([staff()])).toEqual({ allowed: false, retryAfterSeconds: 1800 });
    expect(await throttle.check([staff(2)])).toEqual({ allowed: true }); // others unaffected
    clock.advance(30 * MINUTE - 1000);
    expect(await throttle.check([staff()])).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(1000);
    expect(await throttle.check([staff()])).toEqual({ allowed: true });
    // The run starts over: one more failure does not lock again.
    await fail([staff()], 1);
    expect(await throttle.check([staff()])).toEqual({ allowed: true });
    await fail([staff()], 9);
    expect(await throttle.check([staff()])).toEqual({ allowed: false, retryAfterSeconds: 1800 });
  });

  it('forgets a staff run after 30 quiet minutes', async () => {
    await fail([staff()], 9);
    clock.advance(30 * MINUTE);
    await fail([staff()], 1);
    expect(await throttle.check([staff()])).toEqual({ allowed: true });
  });

  it('gives customers 5 free failures, then waits of 1, 2, 4 … seconds up to 15 minutes', async () => {
    await fail([customer()], 5);
    expect(await throttle.check([customer()])).toEqual({ allowed: true });
    const waits: number[] = [];
    for (let failure = 6; failure <= 20; failure++) {
      await fail([customer()], 1);
      const decision = await throttle.check([customer()]);
      if (decision.allowed) throw new Error(`failure ${failure} imposed no wait`);
      waits.push(decision.retryAfterSeconds);
      clock.advance(decision.retryAfterSeconds * 1000 - 1);
      expect((await throttle.check([customer()])).allowed).toBe(false);
      clock.advance(1);
      expect(await throttle.check([customer()])).toEqual({ allowed: true });
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900, 900]);
  });

  it('rounds a partial second of waiting up in Retry-After', async () => {
    await fail([customer()], 7); // the 7th failure imposes 2 s
    clock.advance(500);
    expect(await throttle.check([customer()])).toEqual({ allowed: false, retryAfterSeconds: 2 });
    clock.advance(600);
    expect(await throttle.check([customer()])).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('clears account failures on success', async () => {
    await fail([customer(), staff()], 9);
    await throttle.recordSuccess([customer(), staff()]);
    await fail([customer(), staff()], 1);
    expect(await throttle.check([customer(), staff()])).toEqual({ allowed: true });
  });

  it('limits an address to 50 failures per 15-minute window, across accounts', async () => {
    for (let n = 0; n < 49; n++) {
      await throttle.recordFailure([customer(n), address()]);
      clock.advance(1000);
    }
    expect(await throttle.check([customer(99), address()])).toEqual({ allowed: true });
    await throttle.recordFailure([customer(49), address()]);
    // The window opened 49 s ago: 15 min − 49 s remain.
    expect(await throttle.check([customer(99), address()])).toEqual({
      allowed: false,
      retryAfterSeconds: 15 * 60 - 49,
    });
    expect(await throttle.check([address('198.51.100.20')])).toEqual({ allowed: true });
    clock.advance(15 * 60_000 - 49_000);
    expect(await throttle.check([address()])).toEqual({ allowed: true });
    await throttle.recordFailure([address()]); // a new window, one failure in it
    expect(await throttle.check([address()])).toEqual({ allowed: true });
  });

  it('keeps the address count when a sign-in succeeds', async () => {
    await fail([customer(), address()], 50);
    await throttle.recordSuccess([customer(), address()]);
    const decision = await throttle.check([customer(), address()]);
    expect(decision.allowed).toBe(false);
  });

  it('answers with the longest wait among the entries', async () => {
    await fail([customer(), address()], 6); // customer: 1 s; address: not yet
    await fail([staff()], 10); // 30 min
    expect(await throttle.check([customer(), address(), staff()])).toEqual({
      allowed: false,
      retryAfterSeconds: 1800,
    });
    expect(await throttle.check([customer(), address()])).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
  });

  it('keeps separate counts for the same key under different policies', async () => {
    const key = 'shared-key';
    await fail([{ key, policy: STAFF_LOGIN_POLICY }], 10);
    expect(await throttle.check([{ key, policy: IP_LOGIN_POLICY }])).toEqual({
      allowed: true,
    });
    expect((await db.selectFrom('login_throttle').selectAll().execute()).length).toBe(1);
  });

  it('stores no key in the clear, only a keyed HMAC', async () => {
    await fail([staff(), customer(), address()], 3);
    const rows = await db.selectFrom('login_throttle').selectAll().execute();
    expect(rows).toHaveLength(3);
    const dump = JSON.stringify(rows);
    for (const raw of ['staff1', 'shopper1', 'example.test', '203.0.113.7', 'account:', 'ip:']) {
      expect(dump).not.toContain(raw);
    }
    for (const row of rows) expect(row.throttle_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The HMAC is keyed by the instance secret from the migration, not a bare hash.
    const [secretRow] = await db
      .selectFrom('instance_meta')
      .select('value')
      .where('key', '=', 'login_throttle_key_secret')
      .execute();
    const secret = Buffer.from(secretRow?.value ?? '', 'base64');
    expect(secret).toHaveLength(32);
    const expected = createHmac('sha256', secret)
      .update(`lockout\u0000${staff().key}`)
      .digest('base64url');
    expect(rows.map((row) => row.throttle_key)).toContain(expected);
    const unkeyed = createHash('sha256').update(`lockout\u0000${staff().key}`).digest('base64url');
    expect(rows.map((row) => row.throttle_key)).not.toContain(unkeyed);
  });

  it('throws LOGIN_THROTTLED with Retry-After from assertAllowed', async () => {
    await expect(throttle.assertAllowed([staff()])).resolves.toBeUndefined();
    await fail([staff()], 10);
    const refusal = await throttle.assertAllowed([staff()]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({
      code: 'LOGIN_THROTTLED',
      status: 429,
      headers: { 'Retry-After': '1800' },
    });
    expect(JSON.stringify(refusal)).not.toContain('staff1');
  });

  it('counts every one of many concurrent failures', async () => {
    const second = new LoginThrottle(db, clock); // as another app instance would
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? throttle : second).recordFailure([address()]),
      ),
    );
    const row = await db.selectFrom('login_throttle').select('failures').executeTakeFirstOrThrow();
    expect(Number(row.failures)).toBe(30);
    expect((await throttle.check([address()])).allowed).toBe(true);
    await Promise.all(Array.from({ length: 20 }, () => second.recordFailure([address()])));
    expect((await throttle.check([address()])).allowed).toBe(false);
  });

  it('sweeps rows idle for a week but keeps recent ones', async () => {
    await fail([customer(1)], 1);
    clock.advance(7 * 24 * 60 * MINUTE + 1);
    await fail([customer(2)], 1);
    expect(await throttle.sweep()).toBe(1);
    expect(await db.selectFrom('login_throttle').selectAll().execute()).toHaveLength(1);
  });

  it('refuses a policy that cannot work', async () => {
    await expect(
      throttle.recordFailure([
        { key: 'k', policy: { kind: 'lockout', maxFailures: 0, lockMs: 1 } },
      ]),
    ).rejects.toThrow(RangeError);
    await expect(
      throttle.recordFailure([
        { key: 'k', policy: { kind: 'backoff', freeFailures: 1, baseDelayMs: 10, maxDelayMs: 5 } },
      ]),
    ).rejects.toThrow(RangeError);
  });
});
