import { z } from 'zod';

// Control characters have no place in a title or an SKU (a NUL cannot even be stored on
// PostgreSQL); line breaks are allowed only in descriptions.
const NO_CONTROL = /^[^\p{Cc}]*$/u;
const NO_CONTROL_BUT_NEWLINES = /^(?:[^\p{Cc}]|[\n\r\t])*$/u;

/** Largest price accepted, in minor units: sums of whole carts stay exact in a double. */
export const MAX_PRICE_MINOR = 100_000_000_000;
/** Largest stock accepted for one variant. */
export const MAX_STOCK = 1_000_000_000;

const title = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(NO_CONTROL, { message: 'must not contain control characters' });
const description = z
  .string()
  .trim()
  .max(5000)
  .regex(NO_CONTROL_BUT_NEWLINES, { message: 'must not contain control characters' });
const sku = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  message:
    'must be 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
});
const priceMinor = z.number().int().min(0).max(MAX_PRICE_MINOR);
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code in capitals' });
const stock = z.number().int().min(0).max(MAX_STOCK);

/** A variant as an admin creates it; the currency may be left out (the shop's). */
export const newVariantBody = z.strictObject({
  title,
  sku,
  priceMinor,
  currency: currency.optional(),
  stock,
});

/** `POST /admin/products`. */
export const newProductBody = z.strictObject({
  title,
  description: description.optional(),
  variants: z.array(newVariantBody).min(1).max(100),
});

/** `PATCH /admin/products/:id`: at least one field; `description: null` clears it. */
export const productPatchBody = z
  .strictObject({ title: title.optional(), description: description.nullable().optional() })
  .refine((patch) => patch.title !== undefined || patch.description !== undefined, {
    message: 'name at least one of title, description',
  });

/**
 * `PATCH /admin/products/:productId/variants/:variantId`: stock is either set outright
 * (`stock`, after a count) or moved by a signed amount (`stockAdjustment`, a delivery or a
 * write-off), never both; the adjustment is applied atomically, so concurrent sales are kept.
 */
export const variantPatchBody = z
  .strictObject({
    title: title.optional(),
    priceMinor: priceMinor.optional(),
    currency: currency.optional(),
    stock: stock.optional(),
    stockAdjustment: z.number().int().min(-MAX_STOCK).max(MAX_STOCK).optional(),
    archived: z.boolean().optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'name at least one field to change',
  })
  .refine((patch) => patch.stock === undefined || patch.stockAdjustment === undefined, {
    message: 'send either stock or stockAdjustment, not both',
    path: ['stockAdjustment'],
  });

/** A `:id` path parameter: bounded; its shape is checked by the handler (404 otherwise). */
export const productParams = z.strictObject({ id: z.string().min(1).max(64) });

/** `:productId` and `:variantId` path parameters. */
export const variantParams = z.strictObject({
  productId: z.string().min(1).max(64),
  variantId: z.string().min(1).max(64),
});

/** A page position: the creation time and id of the last product of the previous page. */
export const cursorSchema = z.string().regex(/^\d{1,15}\.prd_[0-9a-z]{26}$/, {
  message: 'must be the `next` value of a previous page',
});

/** `GET /admin/products`. */
export const adminListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: cursorSchema.optional(),
  status: z.enum(['active', 'archived']).optional(),
});

/** `GET /store/products`. */
export const storeListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: cursorSchema.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(NO_CONTROL, { message: 'must not contain control characters' })
    .optional(),
});

/** A variant as staff see it. */
export const adminVariantReply = z.object({
  id: z.string(),
  title: z.string(),
  sku: z.string(),
  priceMinor: z.number().int(),
  currency: z.string(),
  stock: z.number().int(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A product as staff see it: every variant, archived ones included. */
export const adminProductReply = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  status: z.enum(['active', 'archived']),
  createdAt: z.string(),
  updatedAt: z.string(),
  variants: z.array(adminVariantReply),
});

/** A variant as shoppers see it: price and availability. */
export const storeVariantReply = z.object({
  id: z.string(),
  title: z.string(),
  sku: z.string(),
  priceMinor: z.number().int(),
  currency: z.string(),
  inStock: z.boolean(),
  availableQuantity: z.number().int(),
});

/** A product as shoppers see it: only variants that are sold. */
export const storeProductReply = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  inStock: z.boolean(),
  variants: z.array(storeVariantReply),
});

/** A page of products and the cursor of the next one (null on the last page). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ products: z.array(item), next: z.string().nullable() });
