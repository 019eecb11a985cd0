import {
  CARRIER_LABEL_FIELDS,
  projectLabel,
  type ShippingLabel,
} from '../../commerce/shipping/index.js';
import type { RequestAccess } from '../../identity/auth/index.js';
import type { FieldInput } from '../../privacy/access/index.js';
import {
  personalField,
  type Category,
  type PersonalFieldName,
} from '../../privacy/inventory/index.js';
import { isErased, type FieldReader } from '../../privacy/vault/index.js';
import type { ShipOrderDeps } from './ship-order-deps.js';

/** The label for the carrier and the categories it discloses, or why there is none. */
export type CarrierLabelRead =
  | { readonly ok: true; readonly label: ShippingLabel; readonly categories: readonly Category[] }
  | { readonly ok: false; readonly reason: 'label_denied' | 'label_erased' };

/**
 * Reads an order's label fields (those the inventory shares with carriers) for the
 * carrier. The read goes through the access engine with the staff member's access, for
 * the shipping purpose, and is audited as `shipment.label`: a field the staff member's
 * roles deny stops the shipment. The values go to the carrier only, never back to the
 * staff member, so a field the staff member may handle but sees masked (a fulfilment
 * packer sees the recipient's name masked) is opened for the label alone — the carrier
 * cannot deliver to initials. The disclosure itself is audited by the caller.
 */
export async function readCarrierLabel(
  deps: Pick<ShipOrderDeps, 'orders' | 'access' | 'vault'>,
  access: RequestAccess,
  order: { readonly id: string; readonly subjectId: string },
): Promise<CarrierLabelRead> {
  const inputs = await deps.orders.personalFields(order.id, CARRIER_LABEL_FIELDS);
  const views = await deps.access.read(
    { ...access, purpose: 'shipping', action: 'shipment.label' },
    order.subjectId,
    inputs,
  );
  // The access engine leaves denied fields out.
  if (views.length < inputs.length) return { ok: false, reason: 'label_denied' };
  const sealed = new Map<PersonalFieldName, FieldInput>(
    inputs.map((input) => [input.field, input]),
  );
  let reader: FieldReader | undefined;
  const values: [PersonalFieldName, string][] = [];
  for (const view of views) {
    if (view.view === 'erased') return { ok: false, reason: 'label_erased' };
    if (view.view === 'clear') values.push([view.field, view.value]);
    if (view.view !== 'masked') continue;
    const input = sealed.get(view.field);
    if (input === undefined || input.sealed === null) continue;
    reader ??= await deps.vault.reader(order.subjectId);
    const opened = reader.open(view.field, view.rowId, input.sealed);
    if (isErased(opened)) return { ok: false, reason: 'label_erased' };
    values.push([view.field, opened]);
  }
  const label = projectLabel(values);
  const fields = Object.keys(label) as PersonalFieldName[];
  const categories = [...new Set(fields.map((field) => personalField(field).category))];
  return { ok: true, label, categories };
}
