import { createHmac, hkdfSync } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { lockKeyForTransaction } from '../../../platform/db/index.js';
import { AppError } from '../../../platform/errors/index.js';
import type { Clock } from '../../../platform/clock.js';
import { paymentsErrors } from '../payments-errors.js';
import type { TestProviderTables } from './test-provider-tables.js';

/** What the provider remembers of a request: success with the id it made, or a reason code. */
export type StoredOutcome =
  { readonly ok: true; readonly id?: string } | { readonly ok: false; readonly reason: string };

/** Request parameters as the digest sees them: ids, amounts, codes and the token. */
export type RequestParams = Readonly<Record<string, string | number>>;

/**
 * The provider's idempotency keys, as a processor keeps them: each key, per operation,
 * remembers a digest of the first request's parameters and its outcome. A repeat with
 * the same parameters gets the stored outcome without running again; a repeat with
 * others is refused. Requests with one key wait for each other, so two retries that
 * arrive together still run once.
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
    return this.db.transaction().execute(async (trx) => {
      await lockKeyForTransaction(trx, `test-payments:${operation}:${key}`);
      const stored = await trx
        .selectFrom('test_provider_requests')
        .select(['request_digest', 'outcome'])
        .where('operation', '=', operation)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      if (stored !== undefined) {
        if (stored.request_digest !== digest) {
          throw new AppError(paymentsErrors.PAYMENT_IDEMPOTENCY_KEY_REUSED, {
            details: { operation },
          });
        }
        return { outcome: JSON.parse(stored.outcome) as StoredOutcome, replayed: true };
      }
      const outcome = await execute(trx);
      await trx
        .insertInto('test_provider_requests')
        .values({
          operation,
          idempotency_key: key,
          request_digest: digest,
          outcome: JSON.stringify(outcome),
          created_at: this.clock.now().getTime(),
        })
        .execute();
      return { outcome, replayed: false };
    });
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
