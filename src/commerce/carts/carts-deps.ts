import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { CartsTables } from './carts-migration.js';

/** What carts need to know of a variant; the catalog's snapshots have this shape. */
export interface CatalogVariant {
  readonly variantId: string;
  readonly productId: string;
  readonly productTitle: string;
  readonly variantTitle: string;
  readonly sku: string;
  readonly priceMinor: number;
  readonly currency: string;
  readonly stock: number;
  /** The product is active and the variant not archived. */
  readonly available: boolean;
}

/**
 * The catalog as carts use it: prices and availability now. The wiring passes the
 * catalog service; carts never import the catalog module.
 */
export interface CatalogReader {
  variants(ids: readonly string[]): Promise<ReadonlyMap<string, CatalogVariant>>;
}

/** What carts are built from. */
export interface CartsDeps {
  readonly db: Kysely<CartsTables>;
  readonly catalog: CatalogReader;
  readonly clock: Clock;
  readonly settings: {
    /** The shop's currency; a cart is priced in it. */
    readonly currency: string;
    /** Tax by destination country, in basis points; countries not listed pay none. */
    readonly taxRates: Readonly<Record<string, number>>;
    /** A cart untouched this long expires. */
    readonly cartTtlMs: number;
  };
}
