/** What the test provider does with a card, chosen by its number. */
export const TEST_CARD_BEHAVIOURS = [
  'succeed',
  'declined',
  'insufficient_funds',
  'expired_card',
  'processing_error',
  'refund_fails',
] as const;

/** A test card's behaviour. */
export type TestCardBehaviour = (typeof TEST_CARD_BEHAVIOURS)[number];

/**
 * The documented test card numbers (docs/payments.md), as a card processor's test mode
 * publishes them. Any other number is refused at tokenisation, so a real card number
 * typed into a test shop goes no further than the request that carried it.
 */
export const TEST_CARDS: Readonly<Record<string, TestCardBehaviour>> = Object.freeze({
  // Authorise, capture and refund succeed.
  '4242424242424242': 'succeed',
  '4111111111111111': 'succeed',
  '4000056655665556': 'succeed',
  '5555555555554444': 'succeed',
  '2223003122003222': 'succeed',
  '5200828282828210': 'succeed',
  '378282246310005': 'succeed',
  '6011111111111117': 'succeed',
  '3566002020360505': 'succeed',
  '36227206271667': 'succeed',
  '6200000000000005': 'succeed',
  // Authorisation fails with the reason named.
  '4000000000000002': 'declined',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000119': 'processing_error',
  // Authorisation and capture succeed; every refund fails at the provider.
  '4000000000005126': 'refund_fails',
});

/** The behaviour of a documented test number; undefined for any other number. */
export function testCardBehaviour(digits: string): TestCardBehaviour | undefined {
  return Object.hasOwn(TEST_CARDS, digits) ? TEST_CARDS[digits] : undefined;
}
