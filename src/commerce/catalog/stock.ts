import type { Kysely, Transaction } from 'kysely';
import { fixedQuery, rowsAffected, tablesOf } from '../../platform/db/index.js';
import type { CatalogTables } from './catalog-migration.js';
import type { Reservation, StockLine } from './catalog-service.js';

/**
 * One line per variant, quantities summed, sorted by id: every transaction then locks
 * variant rows in the same order, so two checkouts never wait on each other in a cycle.
 */
function normalise(lines: readonly StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const { variantId, quantity } of lines) {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) {
      throw new RangeError(`Stock quantities must be positive integers (variant ${variantId})`);
    }
    totals.set(variantId, (totals.get(variantId) ?? 0) + quantity);
  }
  return [...totals]
    .map(([variantId, quantity]) => ({ variantId, quantity }))
    .sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0));
}

/** Takes `quantity` units if that many are left and the variant and its product are sold. */
const takeStock = fixedQuery(
  (db: Kysely<CatalogTables>, args: { variantId: string; quantity: number; now: number }) =>
    db
      .updateTable('variants')
      .set((eb) => ({ stock: eb('stock', '-', args.quantity), updated_at: args.now }))
      .where('id', '=', args.variantId)
      .where('stock', '>=', args.quantity)
      .where('archived', '=', 0)
      .where('product_id', 'in', (eb) =>
        eb.selectFrom('products').select('products.id').where('products.status', '=', 'active'),
      ),
);

/** What could be taken of a variant now: nothing when it is not sold any more. */
async function availableNow(db: Kysely<CatalogTables>, variantId: string): Promise<number> {
  const row = await db
    .selectFrom('variants')
    .innerJoin('products', 'products.id', 'variants.product_id')
    .select([
      'variants.stock as stock',
      'variants.archived as archived',
      'products.status as status',
    ])
    .where('variants.id', '=', variantId)
    .executeTakeFirst();
  if (row === undefined || Number(row.archived) !== 0 || row.status !== 'active') return 0;
  return Number(row.stock);
}

/**
 * Takes stock for every line inside the caller's transaction. Each line is one conditional
 * UPDATE (`stock >= quantity`, variant and product still sold): the check and the
 * decrement are a single statement, so concurrent reservations cannot both take the last
 * units. PostgreSQL re-evaluates the condition on the row a concurrent writer left; SQLite
 * runs one write transaction at a time. Every line is tried, so a shortage names them all.
 */
export async function reserveStock<DB>(
  trx: Transaction<DB>,
  lines: readonly StockLine[],
  now: number,
): Promise<Reservation> {
  const db = tablesOf<CatalogTables>(trx);
  const shortages: { variantId: string; requested: number; available: number }[] = [];
  for (const { variantId, quantity } of normalise(lines)) {
    const result = await takeStock.execute(db, { variantId, quantity, now });
    if (rowsAffected(result) === 0) {
      shortages.push({
        variantId,
        requested: quantity,
        available: await availableNow(db, variantId),
      });
    }
  }
  return shortages.length === 0 ? { ok: true } : { ok: false, shortages };
}

/** Gives stock back inside the caller's transaction: the undo of `reserveStock`. */
export async function releaseStock<DB>(
  trx: Transaction<DB>,
  lines: readonly StockLine[],
  now: number,
): Promise<void> {
  const db = tablesOf<CatalogTables>(trx);
  for (const { variantId, quantity } of normalise(lines)) {
    await db
      .updateTable('variants')
      .set((eb) => ({ stock: eb('stock', '+', quantity), updated_at: now }))
      .where('id', '=', variantId)
      .execute();
  }
}
