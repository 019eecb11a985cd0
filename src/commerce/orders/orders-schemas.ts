import { z } from 'zod';
import { storedAddress } from './address.js';
import { ORDER_STATUSES } from './order-status.js';

/** An order id in a path; any other shape answers 404 in the handler. */
export const orderParams = z.strictObject({ id: z.string().min(1).max(64) });

// `<created_at>.<id>`: the last row of the page before.
const cursor = z
  .string()
  .regex(/^\d{1,16}\.ord_[0-9a-z]{26}$/)
  .optional();

/** `GET /store/orders`. */
export const storeListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  after: cursor,
});

/** `GET /admin/orders`. */
export const adminListQuery = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  after: cursor,
});

/** An address as its owner, or a role allowed it in the clear, sees it: the stored shape. */
export const addressReply = storedAddress;

/** One order line. */
export const lineReply = z.object({
  variantId: z.string(),
  productTitle: z.string(),
  variantTitle: z.string(),
  sku: z.string(),
  quantity: z.number().int(),
  unitPriceMinor: z.number().int(),
  lineTotalMinor: z.number().int(),
});

/** The non-personal facts of an order, as every list shows them. */
export const orderSummary = z.object({
  id: z.string(),
  number: z.string(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string(),
  subtotalMinor: z.number().int(),
  taxMinor: z.number().int(),
  totalMinor: z.number().int(),
  refundedMinor: z.number().int(),
  shippingCountry: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A page of orders and the cursor of the next one. */
export const orderPage = z.object({ orders: z.array(orderSummary), next: z.string().nullable() });

const historyEntry = z.object({
  from: z.enum(ORDER_STATUSES).nullable(),
  to: z.enum(ORDER_STATUSES),
  reason: z.string().nullable(),
  at: z.string(),
});

const paymentAmounts = {
  id: z.string(),
  status: z.string(),
  amountMinor: z.number().int(),
  capturedMinor: z.number().int(),
  refundedMinor: z.number().int(),
  currency: z.string(),
};

/** `GET /store/orders/:id`: the owner's own order, contact and addresses in the clear. */
export const storeOrderReply = orderSummary.extend({
  lines: z.array(lineReply),
  /** True when the contact and addresses were erased; amounts and items remain (C4.4). */
  erased: z.boolean(),
  contact: z.object({
    email: z.string().nullable(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  shippingAddress: addressReply.nullable(),
  billingAddress: addressReply.nullable(),
  history: z.array(historyEntry),
  payments: z.array(
    z.object({
      ...paymentAmounts,
      card: z.object({ brand: z.string().nullable(), last4: z.string().nullable() }),
    }),
  ),
});

/** A personal field for staff: its value (clear or masked), or why there is none. */
export const shownField = z.object({
  view: z.enum(['clear', 'masked', 'erased', 'absent']),
  value: z.string().optional(),
});

/** An address for staff: the address in the clear, its masked form (`Lyon, FR`), or why there is none. */
export const shownAddress = z.object({
  view: z.enum(['clear', 'masked', 'erased', 'absent']),
  value: z.union([z.string(), addressReply]).optional(),
});

/** `GET /admin/orders/:id`: each personal field clear, masked, erased, absent or left out. */
export const adminOrderReply = orderSummary.extend({
  customerId: z.string().nullable(),
  lines: z.array(lineReply),
  fields: z.object({
    email: shownField.optional(),
    name: shownField.optional(),
    phone: shownField.optional(),
    shippingAddress: shownAddress.optional(),
    billingAddress: shownAddress.optional(),
  }),
  history: z.array(historyEntry.extend({ actorRole: z.string() })),
  payments: z.array(
    z.object({
      ...paymentAmounts,
      card: z.object({ brand: shownField.optional(), last4: shownField.optional() }),
    }),
  ),
});
