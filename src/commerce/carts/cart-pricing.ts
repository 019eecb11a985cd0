import type { CartLine, CartSnapshot } from './carts-service.js';
import type { CartsDeps } from './carts-deps.js';
import type { CartLineTable, CartTable } from './carts-migration.js';
import { taxFor } from './tax.js';

/** A cart line priced now, with whether it can be bought and how many could be. */
export interface PricedLine extends CartLine {
  readonly available: boolean;
  readonly availableQuantity: number;
  readonly addedAt: Date;
}

/** A cart priced now; the totals count only the lines that can be bought. */
export interface PricedCart extends Omit<CartSnapshot, 'lines'> {
  readonly lines: readonly PricedLine[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The tax rate for a destination, in basis points: 0 for a country the shop lists no rate for. */
export function taxRateFor(deps: CartsDeps, country: string | null): number {
  return country === null ? 0 : (deps.settings.taxRates[country] ?? 0);
}

/**
 * Prices every line from the catalog as it is now (never from a price remembered at the
 * time of adding). A variant no longer sold, or priced in a currency other than the
 * cart's, is listed but not counted.
 */
export async function priceCart(
  deps: CartsDeps,
  cart: CartTable,
  rows: readonly CartLineTable[],
  country: string | null,
): Promise<PricedCart> {
  const variants = await deps.catalog.variants(rows.map((row) => row.variant_id));
  const lines = rows.map((row): PricedLine => {
    const variant = variants.get(row.variant_id);
    const available =
      variant !== undefined && variant.available && variant.currency === cart.currency;
    const unitPriceMinor = variant?.priceMinor ?? 0;
    return {
      lineId: row.id,
      variantId: row.variant_id,
      productId: variant?.productId ?? '',
      productTitle: variant?.productTitle ?? '',
      variantTitle: variant?.variantTitle ?? '',
      sku: variant?.sku ?? '',
      quantity: row.quantity,
      unitPriceMinor,
      lineTotalMinor: unitPriceMinor * row.quantity,
      available,
      availableQuantity: available ? Math.max(0, variant.stock) : 0,
      addedAt: new Date(row.added_at),
    };
  });
  const subtotalMinor = lines
    .filter((line) => line.available)
    .reduce((sum, line) => sum + line.lineTotalMinor, 0);
  const taxRateBasisPoints = taxRateFor(deps, country);
  const taxMinor = taxFor(subtotalMinor, taxRateBasisPoints);
  return {
    id: cart.id,
    customerId: cart.customer_id,
    country,
    currency: cart.currency,
    lines,
    subtotalMinor,
    taxRateBasisPoints,
    taxMinor,
    totalMinor: subtotalMinor + taxMinor,
    expiresAt: new Date(Number(cart.expires_at)),
    createdAt: new Date(Number(cart.created_at)),
    updatedAt: new Date(Number(cart.updated_at)),
  };
}
