/**
 * What staff may do, independent of whose data or why (C2.3). A route declares the one
 * it needs; field-level access is then decided by grants.
 */
export const PERMISSIONS = [
  'customers.read',
  'customers.reveal',
  'staff.manage',
  'settings.manage',
  'catalog.manage',
  'orders.read',
  'orders.fulfil',
  'refunds.create',
  'tickets.read',
  'tickets.reply',
  'audit.read',
  'privacy.requests',
] as const;

/** A staff permission. */
export type Permission = (typeof PERMISSIONS)[number];

/**
 * What a customer route declares instead of a permission: the customer acts on their own
 * data. Staff never hold it.
 */
export const SELF = 'self';

/** True for a known permission. */
export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
