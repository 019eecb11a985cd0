/** Where an order stands; the machine below says how it may move. */
export const ORDER_STATUSES = [
  'placed',
  'paid',
  'fulfilled',
  'delivered',
  'cancelled',
  'refunded',
] as const;

/** The status of an order. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The order status machine: every allowed move, and nothing else. A placed order is paid
 * or cancelled; a paid one shipped, cancelled or refunded; once shipped it can still be
 * delivered or refunded; cancelled and refunded are final.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> =
  Object.freeze({
    placed: ['paid', 'cancelled'],
    paid: ['fulfilled', 'cancelled', 'refunded'],
    fulfilled: ['delivered', 'refunded'],
    delivered: ['refunded'],
    cancelled: [],
    refunded: [],
  });

/** True for a known status (values read back from the database or a query string). */
export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

/** True when the machine lets an order move from `from` to `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** The statuses an order may come from to reach `to`. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((from) => canTransition(from, to));
}
