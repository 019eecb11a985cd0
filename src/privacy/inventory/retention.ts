/**
 * Retention classes: how long a field is kept once its reason to exist has ended (C5.3).
 * Durations are defaults; the retention schedule may lengthen or shorten them.
 */
export const RETENTION_CLASSES = {
  /** Kept while the account exists; erased with it. */
  account_lifetime: { afterDays: 0, from: 'account closure' },
  /** Personal fields of an order: kept for returns and support after delivery. */
  order_personal: { afterDays: 730, from: 'order completion' },
  /** Payment and invoice records the law requires, under a separate retention key. */
  legal_record: { afterDays: 3650, from: 'transaction' },
  /** Support conversations. */
  support_case: { afterDays: 730, from: 'ticket closure' },
  /** Service-interaction logs (C1.3). */
  service_log: { afterDays: 90, from: 'recording' },
} as const satisfies Record<string, { afterDays: number; from: string }>;

/** A retention class name. */
export type RetentionClass = keyof typeof RETENTION_CLASSES;
