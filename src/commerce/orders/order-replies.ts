import type { z } from 'zod';
import type { FieldView } from '../../privacy/access/index.js';
import type { PersonalFieldName } from '../../privacy/inventory/index.js';
import { parseAddress } from './address.js';
import type { OrderPaymentFacts } from './order-payments.js';
import type { OrderRead } from './order-reads.js';
import { isOrderStatus, type OrderStatus } from './order-status.js';
import { moneyOf, type OrderSummaryRow, type StatusChange } from './orders-repository.js';
import type {
  adminOrderReply,
  orderSummary,
  shownAddress,
  shownField,
  storeOrderReply,
} from './orders-schemas.js';

type Summary = z.infer<typeof orderSummary>;
type Shown = z.infer<typeof shownField>;
type ShownAddress = z.infer<typeof shownAddress>;

function statusOf(value: string): OrderStatus {
  if (!isOrderStatus(value)) throw new Error('An order row holds an unknown status');
  return value;
}

/** The non-personal summary of an order row. */
export function summaryOf(row: OrderSummaryRow): Summary {
  return {
    id: row.id,
    number: row.number,
    status: statusOf(row.status),
    ...moneyOf(row),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/** The cursor of the page after `rows`, when the page is full. */
export function nextCursor(rows: readonly OrderSummaryRow[], limit: number): string | null {
  const last = rows.at(-1);
  return rows.length === limit && last !== undefined
    ? `${Number(last.created_at)}.${last.id}`
    : null;
}

function entryOf(change: StatusChange) {
  return {
    from: change.from === null ? null : statusOf(change.from),
    to: statusOf(change.to),
    reason: change.reason,
    at: change.at.toISOString(),
  };
}

function paymentFactsOf(payment: OrderPaymentFacts) {
  return {
    id: payment.id,
    status: payment.status,
    amountMinor: payment.amountMinor,
    capturedMinor: payment.capturedMinor,
    refundedMinor: payment.refundedMinor,
    currency: payment.currency,
  };
}

function viewOf(
  views: readonly FieldView[],
  field: PersonalFieldName,
  rowId: string,
): FieldView | undefined {
  return views.find((view) => view.field === field && view.rowId === rowId);
}

function clearValue(view: FieldView | undefined): string | null {
  return view?.view === 'clear' ? view.value : null;
}

function shown(view: FieldView | undefined): Shown | undefined {
  if (view === undefined) return undefined;
  return view.view === 'clear' || view.view === 'masked'
    ? { view: view.view, value: view.value }
    : { view: view.view };
}

function shownAddressOf(view: FieldView | undefined): ShownAddress | undefined {
  if (view?.view !== 'clear') return shown(view);
  const address = parseAddress(view.value);
  // Stored text that is not an address is shown as nothing rather than as raw text.
  return address === undefined ? { view: 'absent' } : { view: 'clear', value: address };
}

/** The owner's view of their order: values in the clear, null where absent or erased. */
export function storeOrderOf(read: OrderRead): z.infer<typeof storeOrderReply> {
  const { row, views } = read;
  const field = (name: PersonalFieldName) => viewOf(views, name, row.id);
  const address = (name: PersonalFieldName) => {
    const value = clearValue(field(name));
    return value === null ? null : (parseAddress(value) ?? null);
  };
  return {
    ...summaryOf(row),
    lines: [...read.lines],
    erased: views.some((view) => view.view === 'erased'),
    contact: {
      email: clearValue(field('orders.contact_email')),
      name: clearValue(field('orders.contact_name')),
      phone: clearValue(field('orders.contact_phone')),
    },
    shippingAddress: address('orders.shipping_address'),
    billingAddress: address('orders.billing_address'),
    history: read.history.map(entryOf),
    payments: read.payments.map((payment) => ({
      ...paymentFactsOf(payment),
      card: {
        brand: clearValue(viewOf(views, 'payments.card_brand', payment.id)),
        last4: clearValue(viewOf(views, 'payments.card_last4', payment.id)),
      },
    })),
  };
}

/** Leaves out the keys whose value is undefined (denied fields are not shown at all). */
function defined<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** A staff member's view of an order: each field as the access engine decided. */
export function adminOrderOf(read: OrderRead): z.infer<typeof adminOrderReply> {
  const { row, views } = read;
  const field = (name: PersonalFieldName) => viewOf(views, name, row.id);
  return {
    ...summaryOf(row),
    customerId: row.customer_id,
    lines: [...read.lines],
    fields: defined({
      email: shown(field('orders.contact_email')),
      name: shown(field('orders.contact_name')),
      phone: shown(field('orders.contact_phone')),
      shippingAddress: shownAddressOf(field('orders.shipping_address')),
      billingAddress: shownAddressOf(field('orders.billing_address')),
    }),
    history: read.history.map((change) => ({ ...entryOf(change), actorRole: change.actorRole })),
    payments: read.payments.map((payment) => ({
      ...paymentFactsOf(payment),
      card: defined({
        brand: shown(viewOf(views, 'payments.card_brand', payment.id)),
        last4: shown(viewOf(views, 'payments.card_last4', payment.id)),
      }),
    })),
  };
}
