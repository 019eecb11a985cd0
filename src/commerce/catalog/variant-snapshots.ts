import type { Kysely } from 'kysely';
import { fixedQuery } from '../../platform/db/index.js';
import { isId } from '../../platform/ids.js';
import type { CatalogTables } from './catalog-migration.js';
import type { VariantSnapshot } from './catalog-service.js';

// Far above any cart or order; keeps one statement's parameter list within every engine's limit.
const CHUNK = 500;

const snapshotRows = fixedQuery((db: Kysely<CatalogTables>, args: { ids: string[] }) =>
  db
    .selectFrom('variants')
    .innerJoin('products', 'products.id', 'variants.product_id')
    .select([
      'variants.id as variantId',
      'variants.product_id as productId',
      'products.title as productTitle',
      'products.status as productStatus',
      'variants.title as variantTitle',
      'variants.sku as sku',
      'variants.price_minor as priceMinor',
      'variants.currency as currency',
      'variants.stock as stock',
      'variants.archived as archived',
    ])
    .where('variants.id', 'in', args.ids),
);

/** Snapshots of variants by id, with their product's title and status, in one query per chunk. */
export async function variantSnapshots(
  db: Kysely<CatalogTables>,
  ids: readonly string[],
): Promise<Map<string, VariantSnapshot>> {
  // An id of another shape names no variant, and must not reach PostgreSQL (a NUL byte
  // in text is an error there, not a miss).
  const wanted = [...new Set(ids)].filter((id) => isId(id, 'var'));
  const snapshots = new Map<string, VariantSnapshot>();
  for (let start = 0; start < wanted.length; start += CHUNK) {
    const { rows } = await snapshotRows.execute(db, { ids: wanted.slice(start, start + CHUNK) });
    for (const row of rows) {
      snapshots.set(row.variantId, {
        variantId: row.variantId,
        productId: row.productId,
        productTitle: row.productTitle,
        variantTitle: row.variantTitle,
        sku: row.sku,
        priceMinor: Number(row.priceMinor),
        currency: row.currency,
        stock: Number(row.stock),
        available: row.productStatus === 'active' && Number(row.archived) === 0,
      });
    }
  }
  return snapshots;
}
