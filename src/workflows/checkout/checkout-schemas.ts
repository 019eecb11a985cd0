import { z } from 'zod';
import { addressSchema, ORDER_STATUSES } from '../../commerce/orders/index.js';
import { emailSchema } from '../../identity/customers/index.js';
import { CONSENT_PURPOSES } from '../../privacy/inventory/index.js';

/** `POST /store/carts/:id/checkout` path. */
export const checkoutParams = z.strictObject({ id: z.string().min(1).max(64) });

/** The consents offered at checkout, purpose → ticked; only consent purposes, nothing else. */
const consentsSchema = z.strictObject(
  Object.fromEntries(CONSENT_PURPOSES.map((purpose) => [purpose, z.boolean().optional()])),
);

/**
 * The checkout form: exactly the inventory-declared order fields (C1.1), strict, so an
 * undeclared field is refused with 400 UNKNOWN_FIELDS naming it. The card never comes
 * here, only the provider's token.
 */
export const checkoutBody = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1).max(200),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ().-]{5,24}$/, { message: 'must be a phone number' })
    .optional(),
  shippingAddress: addressSchema,
  /** Only when it differs from the delivery address. */
  billingAddress: addressSchema.optional(),
  paymentToken: z.string().trim().min(1).max(2048),
  consents: consentsSchema.optional(),
});

/** The checkout form as parsed. */
export type CheckoutBody = z.infer<typeof checkoutBody>;

/** `201`: the order placed. */
export const checkoutReply = z.object({
  orderId: z.string(),
  number: z.string(),
  status: z.enum(ORDER_STATUSES),
  totalMinor: z.number().int(),
  currency: z.string(),
});
