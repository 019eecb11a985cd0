import { z } from 'zod';

/** An ISO 3166-1 alpha-2 country code; either case is accepted and stored in capitals. */
export const countrySchema = z
  .string()
  .regex(/^[A-Za-z]{2}$/, { message: 'must be a two-letter ISO 3166-1 country code' })
  .transform((code) => code.toUpperCase());

const quantity = z.number().int().min(1).max(99);

/** `POST /store/carts`: the body may be left out (Fastify then passes null). */
export const newCartBody = z.strictObject({ country: countrySchema.optional() }).nullish();

/** `PATCH /store/carts/:id`: `country: null` clears it. */
export const cartPatchBody = z.strictObject({ country: countrySchema.nullable() });

/** `POST /store/carts/:id/lines`. */
export const newLineBody = z.strictObject({ variantId: z.string().min(1).max(64), quantity });

/** `PATCH /store/carts/:id/lines/:lineId`. */
export const linePatchBody = z.strictObject({ quantity });

/** `:id`; its shape is checked by the handler (404 otherwise). */
export const cartParams = z.strictObject({ id: z.string().min(1).max(64) });

/** `:id` and `:lineId`. */
export const lineParams = z.strictObject({
  id: z.string().min(1).max(64),
  lineId: z.string().min(1).max(64),
});

/** A line as the shopper sees it: priced now, with availability. */
export const cartLineReply = z.object({
  lineId: z.string(),
  variantId: z.string(),
  productId: z.string(),
  productTitle: z.string(),
  variantTitle: z.string(),
  sku: z.string(),
  quantity: z.number().int(),
  unitPriceMinor: z.number().int(),
  lineTotalMinor: z.number().int(),
  /** False when the variant or its product is no longer sold: the line is not counted. */
  available: z.boolean(),
  availableQuantity: z.number().int(),
  addedAt: z.string(),
});

/** A cart as the shopper sees it. */
export const cartReply = z.object({
  id: z.string(),
  customerId: z.string().nullable(),
  country: z.string().nullable(),
  currency: z.string(),
  lines: z.array(cartLineReply),
  subtotalMinor: z.number().int(),
  taxRateBasisPoints: z.number().int(),
  taxMinor: z.number().int(),
  totalMinor: z.number().int(),
  expiresAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
