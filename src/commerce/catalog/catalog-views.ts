import type { z } from 'zod';
import type { adminProductReply, storeProductReply } from './catalog-schemas.js';
import type { ProductRecord } from './product-reads.js';

/** A product as staff see it: every variant, stock as stored. */
export function adminProductView(product: ProductRecord): z.infer<typeof adminProductReply> {
  return {
    id: product.id,
    title: product.title,
    description: product.description,
    status: product.status,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
    variants: product.variants.map((variant) => ({
      id: variant.id,
      title: variant.title,
      sku: variant.sku,
      priceMinor: variant.priceMinor,
      currency: variant.currency,
      stock: variant.stock,
      archived: variant.archived,
      createdAt: variant.createdAt.toISOString(),
      updatedAt: variant.updatedAt.toISOString(),
    })),
  };
}

/**
 * A product as shoppers see it: archived variants left out, and variants priced in a
 * currency the shop no longer sells in left out too (they cannot be bought).
 */
export function storeProductView(
  product: ProductRecord,
  currency: string,
): z.infer<typeof storeProductReply> {
  const variants = product.variants
    .filter((variant) => !variant.archived && variant.currency === currency)
    .map((variant) => ({
      id: variant.id,
      title: variant.title,
      sku: variant.sku,
      priceMinor: variant.priceMinor,
      currency: variant.currency,
      inStock: variant.stock > 0,
      availableQuantity: variant.stock,
    }));
  return {
    id: product.id,
    title: product.title,
    description: product.description,
    inStock: variants.some((variant) => variant.inStock),
    variants,
  };
}
