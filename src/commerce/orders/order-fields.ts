import type { FieldInput } from '../../privacy/access/index.js';
import type { PersonalFieldName } from '../../privacy/inventory/index.js';
import { ORDER_PERSONAL_FIELDS, type OrderPersonalField } from './order-types.js';
import type { OrdersTable } from './orders-migration.js';
import type { OrderRow } from './orders-repository.js';

/** The column of each personal field of an order. */
const COLUMN_OF: Readonly<Record<OrderPersonalField, keyof OrdersTable>> = {
  'orders.contact_email': 'contact_email',
  'orders.contact_name': 'contact_name',
  'orders.contact_phone': 'contact_phone',
  'orders.shipping_address': 'shipping_address',
  'orders.billing_address': 'billing_address',
};

/** The sealed values of an order's personal fields, as FieldInputs (rowId: the order id). */
export function fieldInputsOf(
  row: OrderRow,
  which: readonly PersonalFieldName[] = ORDER_PERSONAL_FIELDS,
): FieldInput[] {
  return ORDER_PERSONAL_FIELDS.filter((field) => which.includes(field)).map((field) => ({
    field,
    rowId: row.id,
    sealed: row[COLUMN_OF[field]] as Buffer | null,
  }));
}
