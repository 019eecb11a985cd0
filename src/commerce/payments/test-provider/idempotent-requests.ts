import { createHmac, hkdfSync } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../../platform/errors/index.js';
import type { Clock } from '../../../platform/clock.js';
import { paymentsErrors } from '../payments-errors.js';
import type { TestProviderTables } from './test-provider-tables.js';

/** What the provider remembers of a request: success with the id it made, or a reason code. */
export type StoredOutcome =
  { readonly ok: true; readonly id?: string } | { readonly ok: false; readonly reason: string };

/** Request parameters as the digest sees them: ids, amounts, codes and the token. */
export type RequestParams = Readonly<Record<string, string | number>>;

/** The key was stored by another request first: its outcome is the answer. */
class KeyTaken extends Error {}

/**
 * The provider's idempotency keys, as a processor keeps them: each key, per operation,
 * remembers a digest of the first request's parameters and its outcome. A repeat with
 * the same parameters gets the stored outcome; a repeat with others is refused.
 *
 * A request runs first and then stores its key in the same transaction, unless the key
 * is there already; if it is, the transaction rolls back (nothing the repeat did stays)
 * and the stored outcome answers. Two requests with one key that arrive together still
 * run once: storing the second key waits for the first's transaction (a unique key) and
 * then finds it. The usual request thus costs its own writes and one insert, with no
 * lock and no lookup before it.
 */
export class IdempotentRequests {
  readonly #digestKey: Buffer;

  constructor(
    private readonly db: Kysely<TestProviderTables>,
    secret: Buffer,
    private readonly clock: Clock,
  ) {
    this.#digestKey = Buffer.from(
      hkdfSync('sha256', secret, Buffer.alloc(0), 'custodia test-payment request digest', 32),
    );
  }

  /** Runs `execute` once per (operation, key), in one transaction with the stored outcome. */
  async once(
    operation: string,
    key: string,
    params: RequestParams,
    execute: (trx: Transaction<TestProviderTables>) => Promise<StoredOutcome>,
  ): Promise<{ outcome: StoredOutcome; replayed: boolean }> {
    const digest = this.#digest(operation, params);
    try {
      const outcome = await this.db.transaction().execute(async (trx) => {
        const result = await execute(trx);
        const stored = await trx
          .insertInto('test_provider_requests')
          .values({
            operation,
            idempotency_key: key,
            request_digest: digest,
            outcome: JSON.stringify(result),
            created_at: this.clock.now().getTime(),
          })
          .onConflict((conflict) => conflict.columns(['operation', 'idempotency_key']).doNothing())
          .executeTakeFirst();
        if (stored.numInsertedOrUpdatedRows !== 1n) throw new KeyTaken();
        return result;
      });
      return { outcome, replayed: false };
    } catch (error) {
      if (!(error instanceof KeyTaken)) throw error;
    }
    return { outcome: await this.#stored(operation, key, digest), replayed: true };
  }

  /**
   * The outcome stored under a key found taken (keys are never deleted), read on the
   * writing side so that a key stored by a transaction not yet durable is found (and
   * waited for) too.
   */
  async #stored(operation: string, key: string, digest: string): Promise<StoredOutcome> {
    const stored = await this.db
      .transaction()
      .execute((trx) =>
        trx
          .selectFrom('test_provider_requests')
          .select(['request_digest', 'outcome'])
          .where('operation', '=', operation)
          .where('idempotency_key', '=', key)
          .executeTakeFirst(),
      );
    if (stored === undefined) throw new Error('An idempotency key found taken is not stored');
    if (stored.request_digest !== digest) {
      throw new AppError(paymentsErrors.PAYMENT_IDEMPOTENCY_KEY_REUSED, { details: { operation } });
    }
    return JSON.parse(stored.outcome) as StoredOutcome;
  }

  #digest(operation: string, params: RequestParams): string {
    const canonical = JSON.stringify([
      operation,
      ...Object.keys(params)
        .sort()
        .map((name) => [name, params[name]]),
    ]);
    return createHmac('sha256', this.#digestKey).update(canonical, 'utf8').digest('base64url');
  }
}
