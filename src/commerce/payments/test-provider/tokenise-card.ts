import { AppError } from '../../../platform/errors/index.js';
import { paymentsErrors } from '../payments-errors.js';
import { brandOf, normaliseCardNumber, passesLuhn } from './card-number.js';
import { testCardBehaviour } from './test-cards.js';
import type { TestTokenCodec } from './test-token.js';

/** A card as the tokenisation endpoint receives it; it lives only for that request. */
export interface CardInput {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
}

/** What the endpoint answers: the token, and what may be shown to the customer. */
export interface IssuedToken {
  readonly token: string;
  readonly brand: string;
  readonly last4: string;
}

/** True when the card was still valid in the month of `now` (cards run to month end). */
function notExpired(card: CardInput, now: Date): boolean {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() + 1;
  return card.expYear > year || (card.expYear === year && card.expMonth >= month);
}

/**
 * Turns a test card into a token, as a processor's client-side library does. Every
 * refusal names the rule that failed and never the number: errors and their details
 * hold codes only. The number and security code are dropped when this returns.
 */
export function tokeniseCard(codec: TestTokenCodec, card: CardInput, now: Date): IssuedToken {
  const digits = normaliseCardNumber(card.number);
  if (digits === undefined) {
    throw new AppError(paymentsErrors.CARD_NUMBER_INVALID, { details: { reason: 'format' } });
  }
  if (!passesLuhn(digits)) {
    throw new AppError(paymentsErrors.CARD_NUMBER_INVALID, { details: { reason: 'luhn' } });
  }
  const behaviour = testCardBehaviour(digits);
  const brand = brandOf(digits);
  if (behaviour === undefined || brand === undefined) {
    throw new AppError(paymentsErrors.CARD_NOT_TEST_NUMBER);
  }
  if (!notExpired(card, now)) throw new AppError(paymentsErrors.CARD_EXPIRED);
  if (card.cvc.length !== (brand === 'amex' ? 4 : 3)) {
    throw new AppError(paymentsErrors.CARD_CVC_INVALID);
  }
  const last4 = digits.slice(-4);
  const token = codec.issue({
    card: { brand, last4, expMonth: card.expMonth, expYear: card.expYear },
    behaviour,
    issuedAt: now,
  });
  return { token, brand, last4 };
}
