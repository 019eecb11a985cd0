import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { CatalogTables } from './catalog-migration.js';
import { releaseStock, reserveStock } from './stock.js';
import { variantSnapshots } from './variant-snapshots.js';

/** A variant as other modules see it: what a cart line or an order line is priced from. */
export interface VariantSnapshot {
  variantId: string;
  productId: string;
  productTitle: string;
  variantTitle: string;
  sku: string;
  priceMinor: number;
  currency: string;
  stock: number;
  /** The product is active and the variant is not archived. */
  available: boolean;
}

/** A quantity of one variant, as reserved or released. */
export interface StockLine {
  variantId: string;
  quantity: number;
}

/** The outcome of a reservation: every line taken, or the lines that were short. */
export type Reservation =
  | { ok: true }
  | { ok: false; shortages: { variantId: string; requested: number; available: number }[] };

/** What the catalog offers other modules (carts, checkout, orders). */
export interface CatalogService {
  /** Snapshots of the named variants; unknown ids (or ids of another shape) are left out. */
  variants(ids: readonly string[]): Promise<Map<string, VariantSnapshot>>;
  /**
   * Decrements stock in the caller's transaction, lines sorted by variant id (no
   * deadlocks), each with a conditional UPDATE … WHERE stock >= quantity, so stock never
   * goes negative on either engine. On a shortage returns ok:false: the caller MUST roll
   * back its transaction.
   */
  reserve<DB>(trx: Transaction<DB>, lines: readonly StockLine[]): Promise<Reservation>;
  /** Undo of reserve (an order cancelled, a checkout step failing after commit). */
  release<DB>(trx: Transaction<DB>, lines: readonly StockLine[]): Promise<void>;
}

/** What the catalog is built from. */
export interface CatalogDeps {
  readonly db: Kysely<CatalogTables>;
  readonly clock: Clock;
  /** The one currency the shop sells in (config.commerce.currency). */
  readonly currency: string;
}

/** The catalog service over the shop's database. */
export function createCatalogService(deps: CatalogDeps): CatalogService {
  return {
    variants: (ids) => variantSnapshots(deps.db, ids),
    reserve: (trx, lines) => reserveStock(trx, lines, deps.clock.now().getTime()),
    release: (trx, lines) => releaseStock(trx, lines, deps.clock.now().getTime()),
  };
}
