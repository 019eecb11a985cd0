// C3.5, C2.5: the label a carrier receives is the inventory's projection for carriers —
// derived from the inventory, never written by hand — and nothing else.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CARRIER_LABEL_FIELDS,
  projectLabel,
  type ShippingLabel,
} from '../../src/commerce/shipping/index.js';
import {
  fieldsSharedWith,
  personalFields,
  PROCESSOR_KINDS,
  type FieldSharedWith,
  type PersonalFieldName,
} from '../../src/privacy/inventory/index.js';

const sharedWithCarriers = () =>
  personalFields()
    .filter((field) => field.sharedWith.includes('carrier'))
    .map((field) => field.name);

describe('shipping label projection (C3.5)', () => {
  it('holds exactly the fields the inventory shares with carriers', () => {
    expect([...CARRIER_LABEL_FIELDS]).toEqual(sharedWithCarriers());
    expect([...CARRIER_LABEL_FIELDS].sort()).toEqual([
      'orders.contact_name',
      'orders.contact_phone',
      'orders.shipping_address',
    ]);
  });

  it('types the label with the inventory: a field not shared with carriers does not compile', () => {
    expectTypeOf<keyof ShippingLabel>().toEqualTypeOf<FieldSharedWith<'carrier'>>();
    expectTypeOf<FieldSharedWith<'carrier'>>().toEqualTypeOf<
      'orders.contact_name' | 'orders.contact_phone' | 'orders.shipping_address'
    >();
  });

  it('drops every other personal field, whatever the caller opened', () => {
    const everything = personalFields().map((field): [PersonalFieldName, string] => [
      field.name as PersonalFieldName,
      `v-${field.name}`,
    ]);
    const label = projectLabel(everything);
    expect(Object.keys(label).sort()).toEqual([...CARRIER_LABEL_FIELDS].sort());
    for (const [field, value] of Object.entries(label)) expect(value).toBe(`v-${field}`);
    expect(Object.isFrozen(label)).toBe(true);
  });

  it('leaves out a field that was never given (no phone)', () => {
    const label = projectLabel([
      ['orders.contact_name', 'Test Recipient'],
      ['orders.shipping_address', '{"line1":"1 Test Way","city":"Lyon","country":"FR"}'],
      ['orders.contact_email', 'recipient@example.test'],
    ]);
    expect(Object.keys(label).sort()).toEqual(['orders.contact_name', 'orders.shipping_address']);
  });

  it('every label field may be used for shipping (C3.4: disclosed only for that purpose)', () => {
    for (const field of personalFields().filter((f) =>
      CARRIER_LABEL_FIELDS.includes(f.name as never),
    )) {
      expect(field.purposes, field.name).toContain('shipping');
    }
  });

  it('fieldsSharedWith agrees with the inventory for every processor kind', () => {
    for (const kind of PROCESSOR_KINDS) {
      const expected = personalFields()
        .filter((field) => field.sharedWith.includes(kind))
        .map((field) => field.name);
      expect([...fieldsSharedWith(kind)], kind).toEqual(expected);
    }
  });
});
