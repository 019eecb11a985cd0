import { createHmac } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { loginThrottled } from './throttle-errors.js';
import { loadThrottleSecret, type ThrottleTables } from './throttle-migration.js';
import {
  assertValidPolicy,
  forgettingOf,
  lockAfterFailure,
  THROTTLE_MEMORY_MS,
  type ThrottlePolicy,
} from './throttle-policy.js';

/** One thing to throttle: the caller's key (such as `account:<id>` or `ip:<addr>`) and its policy. */
export interface ThrottleEntry {
  readonly key: string;
  readonly policy: ThrottlePolicy;
}

/** Whether an attempt may go ahead; when not, how many seconds until it may. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const SWEEP_EVERY = 1000;

/** The SQL test "this row's run of failures is over", read against the stored row. */
function runIsOver(policy: ThrottlePolicy, now: number): RawBuilder<boolean> {
  const forgetting = forgettingOf(policy);
  const since = sql.ref(`login_throttle.${forgetting.since}`);
  const quiet = sql<boolean>`${since} + ${forgetting.ms} <= ${now}`;
  if (!forgetting.orLockExpired) return quiet;
  return sql<boolean>`(${quiet} OR (login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= ${now}))`;
}

/**
 * Brute-force protection for sign-in (ASVS 2.2.1), kept in the database so every app
 * instance counts the same failures. Keys are stored only as keyed HMACs: the table holds
 * no email address or IP address. Rows idle for a week are swept every 1000 failures an
 * instance records, or when `sweep()` is called.
 */
export class LoginThrottle {
  #failuresRecorded = 0;
  #secret: Promise<Buffer> | undefined;

  /** The instance secret is read from `instance_meta` on first use. */
  constructor(
    private readonly db: Kysely<ThrottleTables>,
    private readonly clock: Clock,
  ) {}

  // The policy kind is hashed in, so one key under two policies keeps two counts.
  private async throttleKeys(entries: readonly ThrottleEntry[]): Promise<string[]> {
    this.#secret ??= loadThrottleSecret(this.db).catch((error: unknown) => {
      this.#secret = undefined; // a later call may find the migration applied
      throw error;
    });
    const secret = await this.#secret;
    return entries.map((entry) =>
      createHmac('sha256', secret)
        .update(`${entry.policy.kind}\u0000${entry.key}`, 'utf8')
        .digest('base64url'),
    );
  }

  /** Asks before verifying a password: refused while any entry is locked, with the longest wait. */
  async check(entries: readonly ThrottleEntry[]): Promise<ThrottleDecision> {
    if (entries.length === 0) return { allowed: true };
    const keys = await this.throttleKeys(entries);
    const now = this.clock.now().getTime();
    const row = await this.db
      .selectFrom('login_throttle')
      .select((eb) => eb.fn.max('locked_until').as('locked_until'))
      .where('throttle_key', 'in', keys)
      .where('locked_until', '>', now)
      .executeTakeFirst();
    const lockedUntil = row?.locked_until;
    if (lockedUntil === null || lockedUntil === undefined) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((Number(lockedUntil) - now) / 1000)),
    };
  }

  /** Like `check`, but throws LOGIN_THROTTLED (429, with Retry-After) when refused. */
  async assertAllowed(entries: readonly ThrottleEntry[]): Promise<void> {
    const decision = await this.check(entries);
    if (!decision.allowed) throw loginThrottled(decision.retryAfterSeconds);
  }

  /** Counts one failed attempt against every entry, locking those whose policy says so. */
  async recordFailure(entries: readonly ThrottleEntry[]): Promise<void> {
    for (const entry of entries) assertValidPolicy(entry.policy);
    const keys = await this.throttleKeys(entries);
    const now = this.clock.now().getTime();
    for (const [i, entry] of entries.entries()) await this.recordOne(entry, keys[i] ?? '', now);
    this.#failuresRecorded += entries.length;
    if (this.#failuresRecorded >= SWEEP_EVERY) {
      this.#failuresRecorded = 0;
      await this.sweep();
    }
  }

  private async recordOne(entry: ThrottleEntry, key: string, now: number): Promise<void> {
    const over = runIsOver(entry.policy, now);
    // One statement increments or restarts the run, so concurrent failures on any
    // instance are all counted (no read-modify-write race).
    const row = await this.db
      .insertInto('login_throttle')
      .values({
        throttle_key: key,
        failures: 1,
        first_failure_at: now,
        last_failure_at: now,
        locked_until: null,
      })
      .onConflict((conflict) =>
        conflict.column('throttle_key').doUpdateSet({
          failures: sql<number>`CASE WHEN ${over} THEN 1 ELSE login_throttle.failures + 1 END`,
          first_failure_at: sql<number>`CASE WHEN ${over} THEN ${now} ELSE login_throttle.first_failure_at END`,
          locked_until: sql<
            number | null
          >`CASE WHEN ${over} THEN NULL ELSE login_throttle.locked_until END`,
          last_failure_at: now,
        }),
      )
      .returning(['failures', 'first_failure_at'])
      .executeTakeFirstOrThrow();
    const lockUntil = lockAfterFailure(
      entry.policy,
      Number(row.failures),
      Number(row.first_failure_at),
      now,
    );
    if (lockUntil === null) return;
    // Only ever pushed later: with concurrent failures, the longest lock wins whatever
    // order the updates land in.
    await this.db
      .updateTable('login_throttle')
      .set({
        locked_until: sql<number>`CASE WHEN login_throttle.locked_until IS NULL OR login_throttle.locked_until < ${lockUntil} THEN ${lockUntil} ELSE login_throttle.locked_until END`,
      })
      .where('throttle_key', '=', key)
      .execute();
  }

  /**
   * After a successful sign-in: forgets the failures of account entries. Address entries
   * (window policy) are kept, so that one success in a credential-stuffing run from an
   * address does not reset that address's count.
   */
  async recordSuccess(entries: readonly ThrottleEntry[]): Promise<void> {
    const keys = await this.throttleKeys(entries.filter((entry) => entry.policy.kind !== 'window'));
    if (keys.length === 0) return;
    await this.db.deleteFrom('login_throttle').where('throttle_key', 'in', keys).execute();
  }

  /** Deletes rows idle for a week and not locked; returns how many. */
  async sweep(): Promise<number> {
    const now = this.clock.now().getTime();
    const result = await this.db
      .deleteFrom('login_throttle')
      .where('last_failure_at', '<', now - THROTTLE_MEMORY_MS)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
