import {
  fieldsSharedWith,
  type FieldSharedWith,
  type PersonalFieldName,
} from '../../privacy/inventory/index.js';

/** A personal field the inventory lets carriers receive (C3.5). */
export type CarrierLabelField = FieldSharedWith<'carrier'>;

/**
 * The fields a label may hold, read from the inventory rather than written here: a field
 * shared with carriers there is on the label, and nothing else ever is.
 */
export const CARRIER_LABEL_FIELDS: readonly CarrierLabelField[] = fieldsSharedWith('carrier');

/**
 * What a carrier receives: the clear value of each personal field the inventory shares
 * with carriers, keyed by its inventory name (an address is the JSON text of the order's
 * address). A field the customer never gave is left out. Nothing else is on a label.
 */
export type ShippingLabel = Readonly<Partial<Record<CarrierLabelField, string>>>;

function isCarrierField(field: PersonalFieldName): field is CarrierLabelField {
  return (CARRIER_LABEL_FIELDS as readonly PersonalFieldName[]).includes(field);
}

/**
 * Projects opened values onto a label: fields not shared with carriers are dropped, so a
 * caller that opened more than the label needs still sends only what the agreement names.
 */
export function projectLabel(
  values: Iterable<readonly [PersonalFieldName, string]>,
): ShippingLabel {
  const label: Partial<Record<CarrierLabelField, string>> = {};
  for (const [field, value] of values) {
    if (isCarrierField(field)) label[field] = value;
  }
  return Object.freeze(label);
}
