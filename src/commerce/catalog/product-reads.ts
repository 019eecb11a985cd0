import { sql, type Kysely } from 'kysely';
import { isId } from '../../platform/ids.js';
import type { CatalogTables, ProductTable, VariantTable } from './catalog-migration.js';

/** A variant as stored, with numbers and flags decoded. */
export interface VariantRecord {
  readonly id: string;
  readonly title: string;
  readonly sku: string;
  readonly priceMinor: number;
  readonly currency: string;
  readonly stock: number;
  readonly archived: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A product with its variants, in display order. */
export interface ProductRecord {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly status: 'active' | 'archived';
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly variants: readonly VariantRecord[];
}

/** One page of products and where the next begins. */
export interface ProductPage {
  readonly products: readonly ProductRecord[];
  /** `createdAt.id` of the last product, or null on the last page. */
  readonly next: string | null;
}

/** What a listing asks for. */
export interface ProductQuery {
  readonly limit: number;
  readonly after?: string | undefined;
  readonly status?: 'active' | 'archived' | undefined;
  /** Words the title must contain, case-insensitively. */
  readonly q?: string | undefined;
}

function toVariant(row: VariantTable): VariantRecord {
  return {
    id: row.id,
    title: row.title,
    sku: row.sku,
    priceMinor: Number(row.price_minor),
    currency: row.currency,
    stock: Number(row.stock),
    archived: Number(row.archived) !== 0,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

async function withVariants(
  db: Kysely<CatalogTables>,
  products: readonly ProductTable[],
): Promise<ProductRecord[]> {
  if (products.length === 0) return [];
  const variants = await db
    .selectFrom('variants')
    .selectAll()
    .where(
      'product_id',
      'in',
      products.map((product) => product.id),
    )
    .orderBy('product_id')
    .orderBy('position')
    .orderBy('id')
    .execute();
  return products.map((product) => ({
    id: product.id,
    title: product.title,
    description: product.description,
    status: product.status,
    createdAt: new Date(Number(product.created_at)),
    updatedAt: new Date(Number(product.updated_at)),
    variants: variants.filter((row) => row.product_id === product.id).map(toVariant),
  }));
}

/** One product with all its variants; undefined for an unknown id or one of another shape. */
export async function findProduct(
  db: Kysely<CatalogTables>,
  id: string,
): Promise<ProductRecord | undefined> {
  if (!isId(id, 'prd')) return undefined;
  const row = await db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : (await withVariants(db, [row]))[0];
}

/** `%…%` for LIKE, with the wildcard characters of the search text taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Products newest first, a page at a time. Keyset pagination on (created_at, id): a page
 * never repeats or skips a product when others are added meanwhile, and costs the same
 * deep in the list as at its start.
 */
export async function listProducts(
  db: Kysely<CatalogTables>,
  query: ProductQuery,
): Promise<ProductPage> {
  let select = db
    .selectFrom('products')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (query.q !== undefined) {
    // lower() on both sides: SQLite's LIKE folds only ASCII, PostgreSQL's folds nothing.
    const pattern = containsPattern(query.q);
    select = select.where(sql<boolean>`lower(title) like lower(${pattern}) escape '\\'`);
  }
  if (query.after !== undefined) {
    const [createdAt = '0', id = ''] = query.after.split('.');
    const after = Number(createdAt);
    select = select.where((eb) =>
      eb.or([
        eb('created_at', '<', after),
        eb.and([eb('created_at', '=', after), eb('id', '<', id)]),
      ]),
    );
  }
  const rows = await select.execute();
  const last = rows.at(-1);
  return {
    products: await withVariants(db, rows),
    next:
      rows.length === query.limit && last !== undefined ? `${last.created_at}.${last.id}` : null,
  };
}
