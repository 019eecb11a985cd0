import type { z } from 'zod';
import { AppError } from '../../platform/errors/index.js';
import { isId, newId } from '../../platform/ids.js';
import { catalogErrors } from './catalog-errors.js';
import type { CatalogDeps } from './catalog-service.js';
import type {
  newProductBody,
  newVariantBody,
  productPatchBody,
  variantPatchBody,
} from './catalog-schemas.js';
import type { VariantTable } from './catalog-migration.js';

type NewProduct = z.infer<typeof newProductBody>;
type NewVariant = z.infer<typeof newVariantBody>;
type ProductPatch = z.infer<typeof productPatchBody>;
type VariantPatch = z.infer<typeof variantPatchBody>;

/** True for the unique-constraint failure of either engine. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function skuTaken(skus: readonly string[]): AppError {
  return new AppError(catalogErrors.SKU_TAKEN, { details: { skus: [...skus] } });
}

function checkCurrency(deps: CatalogDeps, currency: string | undefined): void {
  if (currency !== undefined && currency !== deps.currency) {
    throw new AppError(catalogErrors.CURRENCY_MISMATCH, {
      details: { expected: deps.currency, received: currency },
    });
  }
}

/** SKUs named twice in the request, or already used by a stored variant. */
async function takenSkus(deps: CatalogDeps, skus: readonly string[]): Promise<string[]> {
  const repeated = skus.filter((sku, i) => skus.indexOf(sku) !== i);
  const stored = await deps.db
    .selectFrom('variants')
    .select('sku')
    .where('sku', 'in', [...skus])
    .execute();
  return [...new Set([...repeated, ...stored.map((row) => row.sku)])].sort();
}

function variantRow(
  deps: CatalogDeps,
  productId: string,
  position: number,
  input: NewVariant,
  now: number,
): VariantTable {
  return {
    id: newId('var'),
    product_id: productId,
    position,
    title: input.title,
    sku: input.sku,
    price_minor: input.priceMinor,
    currency: deps.currency,
    stock: input.stock,
    archived: 0,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Inserts rows that carry SKUs. The pre-check names the taken SKUs; the unique index is
 * what actually decides when two admins race for one.
 */
async function insertWithSkus(
  deps: CatalogDeps,
  skus: readonly string[],
  write: () => Promise<void>,
): Promise<void> {
  const taken = await takenSkus(deps, skus);
  if (taken.length > 0) throw skuTaken(taken);
  try {
    await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw skuTaken(await takenSkus(deps, skus));
    throw error;
  }
}

/** Creates an active product with its variants; returns its id. */
export async function createProduct(deps: CatalogDeps, input: NewProduct): Promise<string> {
  for (const variant of input.variants) checkCurrency(deps, variant.currency);
  const now = deps.clock.now().getTime();
  const id = newId('prd');
  await insertWithSkus(
    deps,
    input.variants.map((variant) => variant.sku),
    () =>
      deps.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('products')
          .values({
            id,
            title: input.title,
            description: input.description ?? null,
            status: 'active',
            created_at: now,
            updated_at: now,
          })
          .execute();
        await trx
          .insertInto('variants')
          .values(input.variants.map((variant, i) => variantRow(deps, id, i, variant, now)))
          .execute();
      }),
  );
  return id;
}

async function assertProduct(deps: CatalogDeps, productId: string): Promise<void> {
  const found =
    isId(productId, 'prd') &&
    (await deps.db
      .selectFrom('products')
      .select('id')
      .where('id', '=', productId)
      .executeTakeFirst()) !== undefined;
  if (!found) throw new AppError(catalogErrors.PRODUCT_NOT_FOUND);
}

/** Changes a product's title or description. */
export async function updateProduct(
  deps: CatalogDeps,
  productId: string,
  patch: ProductPatch,
): Promise<void> {
  if (!isId(productId, 'prd')) throw new AppError(catalogErrors.PRODUCT_NOT_FOUND);
  const result = await deps.db
    .updateTable('products')
    .set({
      ...(patch.title === undefined ? {} : { title: patch.title }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      updated_at: deps.clock.now().getTime(),
    })
    .where('id', '=', productId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new AppError(catalogErrors.PRODUCT_NOT_FOUND);
}

/**
 * Takes a product off the store (`archived`, its variants with it) or puts it back
 * (`active`; variants archived on their own stay so). Setting the status it already has
 * changes nothing, not even `updated_at`.
 */
export async function setProductStatus(
  deps: CatalogDeps,
  productId: string,
  status: 'active' | 'archived',
): Promise<void> {
  await assertProduct(deps, productId);
  await deps.db
    .updateTable('products')
    .set({ status, updated_at: deps.clock.now().getTime() })
    .where('id', '=', productId)
    .where('status', '!=', status)
    .execute();
}

/** Adds a variant to a product; returns its id. */
export async function addVariant(
  deps: CatalogDeps,
  productId: string,
  input: NewVariant,
): Promise<string> {
  checkCurrency(deps, input.currency);
  await assertProduct(deps, productId);
  const { last } = await deps.db
    .selectFrom('variants')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('product_id', '=', productId)
    .executeTakeFirstOrThrow();
  const position = last === null ? 0 : Number(last) + 1;
  const row = variantRow(deps, productId, position, input, deps.clock.now().getTime());
  await insertWithSkus(deps, [input.sku], async () => {
    await deps.db.insertInto('variants').values(row).execute();
  });
  return row.id;
}

/**
 * Changes a variant in one conditional UPDATE: a stock adjustment is added to the stored
 * value (not to a value read earlier), and refused when it would go below zero.
 */
export async function updateVariant(
  deps: CatalogDeps,
  productId: string,
  variantId: string,
  patch: VariantPatch,
): Promise<void> {
  checkCurrency(deps, patch.currency);
  await assertProduct(deps, productId);
  if (!isId(variantId, 'var')) throw new AppError(catalogErrors.VARIANT_NOT_FOUND);
  const adjustment = patch.stockAdjustment;
  let update = deps.db
    .updateTable('variants')
    .set((eb) => ({
      ...(patch.title === undefined ? {} : { title: patch.title }),
      ...(patch.priceMinor === undefined ? {} : { price_minor: patch.priceMinor }),
      ...(patch.stock === undefined ? {} : { stock: patch.stock }),
      ...(adjustment === undefined ? {} : { stock: eb('stock', '+', adjustment) }),
      ...(patch.archived === undefined ? {} : { archived: patch.archived ? 1 : 0 }),
      updated_at: deps.clock.now().getTime(),
    }))
    .where('id', '=', variantId)
    .where('product_id', '=', productId);
  if (adjustment !== undefined) update = update.where('stock', '>=', -adjustment);
  const result = await update.executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return;
  const current = await deps.db
    .selectFrom('variants')
    .select('stock')
    .where('id', '=', variantId)
    .where('product_id', '=', productId)
    .executeTakeFirst();
  if (current === undefined) throw new AppError(catalogErrors.VARIANT_NOT_FOUND);
  throw new AppError(catalogErrors.STOCK_BELOW_ZERO, {
    details: { stock: Number(current.stock), adjustment: adjustment ?? 0 },
  });
}
