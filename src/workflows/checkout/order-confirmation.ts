import type { OrderRecord, OrdersService } from '../../commerce/orders/index.js';
import type { Clock } from '../../platform/clock.js';
import type { OutboxJob } from '../../platform/jobs/index.js';
import type { Logger } from '../../platform/logging/index.js';
import type { Mailer } from '../../platform/mail/index.js';
import { auditActorId, auditActorRole, type Actor } from '../../privacy/access/index.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import { personalField, type PersonalFieldName } from '../../privacy/inventory/index.js';
import { isErased, type Vault } from '../../privacy/vault/index.js';

/** The outbox kind that sends an order confirmation. */
export const ORDER_CONFIRMATION = 'order.confirmation';

/** What the confirmation mail is sent with. */
export interface OrderConfirmationDeps {
  readonly orders: OrdersService;
  readonly vault: Vault;
  readonly audit: AuditSink;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly logger: Logger;
}

const MAILER: Actor = { kind: 'system', name: 'mailer' };
const CONTACT_FIELDS = ['orders.contact_email', 'orders.contact_name'] as const;

// The mail processor receives only fields the inventory shares with it; checked at load,
// so an inventory change that withdraws them fails the start, not a customer's mail.
for (const field of CONTACT_FIELDS) {
  if (!(personalField(field).sharedWith as readonly string[]).includes('mail')) {
    throw new Error(`${field} is not shared with the mail processor`);
  }
}

// Building an Intl.NumberFormat costs far more than using one: one lookup per currency.
const FRACTION_DIGITS = new Map<string, number>();

/** Minor units as an amount in the currency, such as `122.40 EUR`. */
export function formatMoney(minor: number, currency: string): string {
  let digits = FRACTION_DIGITS.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    FRACTION_DIGITS.set(currency, digits);
  }
  return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
}

/** The text of the confirmation: number, lines and totals; never card data. */
export function confirmationText(order: OrderRecord, name: string): string {
  const money = (minor: number) => formatMoney(minor, order.currency);
  const lines = order.lines.map(
    (line) =>
      `  ${line.quantity} × ${line.productTitle} (${line.variantTitle}), ${line.sku}: ${money(line.lineTotalMinor)}`,
  );
  return [
    `Hello ${name},`,
    '',
    `thank you for your order ${order.number}, placed on ${order.createdAt.toISOString().slice(0, 10)}.`,
    '',
    ...lines,
    '',
    `Subtotal: ${money(order.subtotalMinor)}`,
    `Tax: ${money(order.taxMinor)}`,
    `Total: ${money(order.totalMinor)}`,
    '',
    'We will write again when it ships. You can follow it under your orders, with the number above.',
    '',
  ].join('\n');
}

/**
 * The handler of `order.confirmation` jobs. The access policy gives background processes
 * no personal data, so the mailer opens the two contact fields through the vault itself,
 * as a disclosure to the mail processor (the inventory shares both with `mail`), and
 * records `disclosure.mail` before anything leaves (fail closed). A cancelled order, or
 * an erased subject, gets no mail.
 */
export function orderConfirmationHandler(
  deps: OrderConfirmationDeps,
): (job: OutboxJob) => Promise<void> {
  return async (job) => {
    const orderId = job.payload['orderId'];
    const found =
      typeof orderId === 'string'
        ? await deps.orders.getWithFields(orderId, CONTACT_FIELDS)
        : undefined;
    if (found === undefined || found.order.status === 'cancelled') {
      deps.logger.info(
        { jobId: job.id },
        'order confirmation not sent: no such order or cancelled',
      );
      return;
    }
    const { order, fields: inputs } = found;
    const reader = await deps.vault.reader(order.subjectId);
    const opened = new Map<PersonalFieldName, string>();
    for (const input of inputs) {
      if (input.sealed === null) continue;
      const value = reader.open(input.field, input.rowId, input.sealed);
      if (isErased(value)) return;
      opened.set(input.field, value);
    }
    const to = opened.get('orders.contact_email');
    if (to === undefined) return;
    await deps.audit.record([
      {
        occurredAt: deps.clock.now(),
        actorId: auditActorId(MAILER),
        actorRole: auditActorRole(MAILER),
        action: 'disclosure.mail',
        purpose: 'order_fulfilment',
        subjectId: order.subjectId,
        categories: ['order.contact'],
        decision: 'clear',
        requestId: null,
        outcome: 'success',
        detail: { orderId: order.id, jobId: job.id, kind: 'order_confirmation' },
      },
    ]);
    await deps.mailer.send({
      kind: 'order_confirmation',
      to,
      subject: `Your order ${order.number}`,
      text: confirmationText(order, opened.get('orders.contact_name') ?? 'there'),
    });
  };
}
