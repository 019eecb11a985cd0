/**
 * Tax on a subtotal at a rate in basis points (21% = 2100), rounded half up to a whole
 * minor unit. Integer arithmetic throughout: no binary fraction turns 0.5 into 0.4999….
 */
export function taxFor(subtotalMinor: number, basisPoints: number): number {
  if (!Number.isSafeInteger(subtotalMinor) || subtotalMinor < 0) {
    throw new RangeError('The subtotal must be a non-negative integer of minor units');
  }
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0) {
    throw new RangeError('The tax rate must be a non-negative integer of basis points');
  }
  return Number((BigInt(subtotalMinor) * BigInt(basisPoints) + 5000n) / 10000n);
}
