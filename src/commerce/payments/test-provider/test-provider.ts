import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../../platform/clock.js';
import { newId } from '../../../platform/ids.js';
import type {
  Authorisation,
  AuthorisationFailure,
  AuthoriseInput,
  PaymentProvider,
  ProviderRefund,
  ProviderResult,
} from '../payment-provider.js';
import { IdempotentRequests, type StoredOutcome } from './idempotent-requests.js';
import type { TestProviderTables } from './test-provider-tables.js';
import { TEST_TOKEN_TTL_MS, type TestTokenCodec, type TokenContents } from './test-token.js';

type Trx = Transaction<TestProviderTables>;

const FAILING: Readonly<Partial<Record<TokenContents['behaviour'], AuthorisationFailure>>> = {
  declined: 'declined',
  insufficient_funds: 'insufficient_funds',
  expired_card: 'expired_card',
  processing_error: 'processing_error',
};

const isAmount = (value: number) => Number.isSafeInteger(value) && value > 0;

/** True when the card's expiry month has not ended at `now`. */
function stillValid(card: TokenContents['card'], now: Date): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return card.expYear > year || (card.expYear === year && card.expMonth >= month);
}

/**
 * The built-in provider, behaving like a card processor's test mode: tokens come from
 * its own endpoint, the documented test numbers decline or fail, and its state
 * (authorisations, captures, refunds, voids, idempotency keys) lives in its own tables,
 * which hold amounts, ids and codes only.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test';
  readonly #requests: IdempotentRequests;

  constructor(
    private readonly db: Kysely<TestProviderTables>,
    private readonly codec: TestTokenCodec,
    secret: Buffer,
    private readonly clock: Clock,
  ) {
    this.#requests = new IdempotentRequests(db, secret, clock);
  }

  /** Authorises an amount on a token's card; the outcome follows the test number's behaviour. */
  async authorise(input: AuthoriseInput): Promise<Authorisation> {
    const params = {
      token: input.token,
      amountMinor: input.amountMinor,
      currency: input.currency,
    };
    const { outcome } = await this.#requests.once(
      'authorise',
      input.idempotencyKey,
      params,
      (trx) => this.#authorise(trx, input),
    );
    if (!outcome.ok) return { ok: false, reason: outcome.reason as AuthorisationFailure };
    // Same key, same parameters: the same token, which opens again to the same card.
    const contents = this.codec.open(input.token);
    if (contents === undefined || outcome.id === undefined) {
      return { ok: false, reason: 'invalid_token' };
    }
    return { ok: true, authorisationId: outcome.id, card: contents.card };
  }

  /** Captures an authorised amount (one capture per authorisation, up to its amount). */
  async capture(input: {
    authorisationId: string;
    amountMinor: number;
    idempotencyKey: string;
  }): Promise<ProviderResult> {
    const { outcome } = await this.#requests.once(
      'capture',
      input.idempotencyKey,
      { authorisationId: input.authorisationId, amountMinor: input.amountMinor },
      (trx) => this.#capture(trx, input.authorisationId, input.amountMinor),
    );
    return outcome.ok ? { ok: true } : outcome;
  }

  /** Releases an authorisation that was not captured. */
  async void(input: { authorisationId: string; idempotencyKey: string }): Promise<ProviderResult> {
    const { outcome } = await this.#requests.once(
      'void',
      input.idempotencyKey,
      { authorisationId: input.authorisationId },
      (trx) => this.#void(trx, input.authorisationId),
    );
    return outcome.ok ? { ok: true } : outcome;
  }

  /** Refunds part or all of what was captured and not yet refunded. */
  async refund(input: {
    authorisationId: string;
    amountMinor: number;
    idempotencyKey: string;
  }): Promise<ProviderRefund> {
    const { outcome } = await this.#requests.once(
      'refund',
      input.idempotencyKey,
      { authorisationId: input.authorisationId, amountMinor: input.amountMinor },
      (trx) => this.#refund(trx, input.authorisationId, input.amountMinor),
    );
    if (!outcome.ok) return outcome;
    return outcome.id === undefined
      ? { ok: false, reason: 'processing_error' }
      : { ok: true, refundId: outcome.id };
  }

  async #authorise(trx: Trx, input: AuthoriseInput): Promise<StoredOutcome> {
    const now = this.clock.now();
    const contents = this.codec.open(input.token);
    if (contents === undefined) return { ok: false, reason: 'invalid_token' };
    const age = now.getTime() - contents.issuedAt.getTime();
    if (age > TEST_TOKEN_TTL_MS) return { ok: false, reason: 'invalid_token' };
    if (!isAmount(input.amountMinor) || !/^[A-Z]{3}$/.test(input.currency)) {
      return { ok: false, reason: 'processing_error' };
    }
    const failure = FAILING[contents.behaviour];
    if (failure !== undefined) return { ok: false, reason: failure };
    if (!stillValid(contents.card, now)) return { ok: false, reason: 'expired_card' };
    const id = newId('auth');
    await trx
      .insertInto('test_provider_authorisations')
      .values({
        id,
        amount_minor: input.amountMinor,
        currency: input.currency,
        captured_minor: 0,
        refunded_minor: 0,
        behaviour: contents.behaviour,
        voided_at: null,
        created_at: now.getTime(),
        updated_at: now.getTime(),
      })
      .execute();
    return { ok: true, id };
  }

  async #capture(trx: Trx, authorisationId: string, amount: number): Promise<StoredOutcome> {
    if (!isAmount(amount)) return { ok: false, reason: 'invalid_amount' };
    const now = this.clock.now().getTime();
    const updated = await trx
      .updateTable('test_provider_authorisations')
      .set({ captured_minor: amount, updated_at: now })
      .where('id', '=', authorisationId)
      .where('captured_minor', '=', 0)
      .where('voided_at', 'is', null)
      .where('amount_minor', '>=', amount)
      .executeTakeFirst();
    if (updated.numUpdatedRows > 0n) return { ok: true };
    const row = await this.#find(trx, authorisationId);
    if (row === undefined) return { ok: false, reason: 'authorisation_not_found' };
    if (row.voided_at !== null) return { ok: false, reason: 'authorisation_voided' };
    if (row.captured_minor > 0) return { ok: false, reason: 'already_captured' };
    return { ok: false, reason: 'amount_exceeds_authorised' };
  }

  async #void(trx: Trx, authorisationId: string): Promise<StoredOutcome> {
    const now = this.clock.now().getTime();
    const row = await this.#find(trx, authorisationId);
    if (row === undefined) return { ok: false, reason: 'authorisation_not_found' };
    if (row.voided_at !== null) return { ok: true };
    const updated = await trx
      .updateTable('test_provider_authorisations')
      .set({ voided_at: now, updated_at: now })
      .where('id', '=', authorisationId)
      .where('captured_minor', '=', 0)
      .where('voided_at', 'is', null)
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n ? { ok: true } : { ok: false, reason: 'already_captured' };
  }

  async #refund(trx: Trx, authorisationId: string, amount: number): Promise<StoredOutcome> {
    if (!isAmount(amount)) return { ok: false, reason: 'invalid_amount' };
    const row = await this.#find(trx, authorisationId);
    if (row === undefined) return { ok: false, reason: 'authorisation_not_found' };
    if (row.behaviour === 'refund_fails') return { ok: false, reason: 'processing_error' };
    const now = this.clock.now().getTime();
    // Conditional, so that refunds under other keys running at once never exceed the capture.
    const updated = await trx
      .updateTable('test_provider_authorisations')
      .set((eb) => ({ refunded_minor: eb('refunded_minor', '+', amount), updated_at: now }))
      .where('id', '=', authorisationId)
      .where('captured_minor', '>', 0)
      .where((eb) => eb(eb('refunded_minor', '+', amount), '<=', eb.ref('captured_minor')))
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      return { ok: false, reason: row.captured_minor > 0 ? 'exceeds_captured' : 'not_captured' };
    }
    const id = newId('re');
    await trx
      .insertInto('test_provider_refunds')
      .values({ id, authorisation_id: authorisationId, amount_minor: amount, created_at: now })
      .execute();
    return { ok: true, id };
  }

  async #find(trx: Trx, authorisationId: string) {
    return trx
      .selectFrom('test_provider_authorisations')
      .select(['captured_minor', 'voided_at', 'behaviour'])
      .where('id', '=', authorisationId)
      .executeTakeFirst();
  }
}
