// C1.1, C1.3, C1.4, C2.5, C3.1: the inventory declares exactly what the policy allows, coherently.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  CONSENT_PURPOSES,
  LAWFUL_BASES,
  MASKING_RULES,
  NON_PERSONAL_COLUMNS,
  PROCESSOR_KINDS,
  PURPOSES,
  RETENTION_CLASSES,
  columnDeclaration,
  inventoryProblems,
  personalFields,
  personalLogKeys,
  type CategoryGroup,
  type PersonalField,
  type Purpose,
} from './index.js';

const fields = personalFields();
const groupOf = (field: PersonalField): CategoryGroup => CATEGORIES[field.category].group;
const names = (list: readonly PersonalField[]) => list.map((field) => field.name).sort();
const withPurposes = (field: PersonalField, purposes: readonly string[]): PersonalField =>
  ({ ...field, purposes }) as PersonalField;

describe('personal field declarations', () => {
  it('declares a coherent, non-empty inventory', () => {
    expect(fields.length).toBeGreaterThan(0);
    expect(inventoryProblems(fields, NON_PERSONAL_COLUMNS)).toEqual([]);
  });

  it.each(fields.map((field) => [field.name, field] as const))(
    '%s has purposes, category, basis, retention, masking, processors and aliases',
    (_name, field) => {
      expect(field.purposes.length).toBeGreaterThan(0);
      expect(new Set(field.purposes).size).toBe(field.purposes.length);
      for (const purpose of field.purposes) expect(PURPOSES).toContain(purpose);
      expect(Object.keys(CATEGORIES)).toContain(field.category);
      expect(LAWFUL_BASES).toContain(field.basis);
      expect(Object.keys(RETENTION_CLASSES)).toContain(field.retention);
      expect(MASKING_RULES).toContain(field.mask);
      for (const kind of field.sharedWith) expect(PROCESSOR_KINDS).toContain(kind);
      expect(field.aliases.length).toBeGreaterThan(0);
      for (const alias of field.aliases) expect(alias.trim()).not.toBe('');
      expect(field.description.trim()).not.toBe('');
      expect(field.name).toBe(`${field.table}.${field.column}`);
    },
  );

  it('declares no column both personal and non-personal', () => {
    for (const field of fields) {
      expect(NON_PERSONAL_COLUMNS[field.table]?.[field.column], field.name).toBeUndefined();
      expect(columnDeclaration(field.table, field.column)).toBe('personal');
    }
    for (const [table, columns] of Object.entries(NON_PERSONAL_COLUMNS)) {
      for (const [column, reason] of Object.entries(columns)) {
        expect(reason.trim(), `${table}.${column} needs a reason`).not.toBe('');
        expect(columnDeclaration(table, column)).toBe('non_personal');
      }
    }
    expect(columnDeclaration('customer', 'favourite_colour')).toBeUndefined();
    expect(columnDeclaration('no_such_table', 'id')).toBeUndefined();
  });
});

describe('inventoryProblems detects crafted mistakes', () => {
  const fieldArb = fc.constantFrom(...fields);

  it('a column declared both personal and non-personal', () => {
    fc.assert(
      fc.property(fieldArb, fc.string({ minLength: 1 }), (field, reason) => {
        const nonPersonal = { ...NON_PERSONAL_COLUMNS, [field.table]: { [field.column]: reason } };
        expect(inventoryProblems([field], nonPersonal)).toEqual([
          `${field.name}: declared both personal and non-personal`,
        ]);
      }),
    );
  });

  it('an unknown purpose', () => {
    const unknown = fc
      .string({ minLength: 1 })
      .filter((s) => !(PURPOSES as readonly string[]).includes(s));
    fc.assert(
      fc.property(fieldArb, unknown, (field, purpose) => {
        const crafted = withPurposes(field, [...field.purposes, purpose]);
        expect(inventoryProblems([crafted], NON_PERSONAL_COLUMNS)).toEqual([
          `${field.name}: unknown purpose ${purpose}`,
        ]);
      }),
    );
  });

  it('an empty purpose list, a missing alias and a name that is not table.column', () => {
    const [field] = fields;
    if (field === undefined) throw new Error('empty inventory');
    expect(inventoryProblems([withPurposes(field, [])], NON_PERSONAL_COLUMNS)).toEqual([
      `${field.name}: no purpose`,
    ]);
    const noAlias = { ...field, aliases: [] } as PersonalField;
    expect(inventoryProblems([noAlias], NON_PERSONAL_COLUMNS)).toEqual([
      `${field.name}: no API alias`,
    ]);
    const badName = { ...field, name: 'Customer', table: 'Customer', column: '' } as PersonalField;
    expect(inventoryProblems([badName], NON_PERSONAL_COLUMNS)).toContain(
      'Customer: not table.column',
    );
  });
});

describe('what the policy says is collected (C1.1)', () => {
  it("has at least one field in each of the policy's five groups, and the staff group", () => {
    const groups: readonly CategoryGroup[] = [
      'registration',
      'order',
      'delivery',
      'payment',
      'service',
      'staff',
    ];
    for (const group of groups) {
      expect(fields.filter((field) => groupOf(field) === group).length, group).toBeGreaterThan(0);
    }
    expect(new Set(Object.values(CATEGORIES).map((c) => c.group))).toEqual(new Set(groups));
  });

  it('keeps payment data to token, brand, last four and expiry (C2.5)', () => {
    expect(names(fields.filter((field) => groupOf(field) === 'payment'))).toEqual([
      'payments.card_brand',
      'payments.card_expiry',
      'payments.card_last4',
      'payments.provider_token',
    ]);
  });

  it('has no card number or security code field under any name', () => {
    const forbidden = /(^|_)pan($|_)|card_?number|cvv|cvc/i;
    const everyName = [
      ...fields.flatMap((field) => [field.name, field.table, field.column, ...field.aliases]),
      ...Object.entries(NON_PERSONAL_COLUMNS).flatMap(([table, columns]) => [
        table,
        ...Object.keys(columns),
      ]),
      ...personalLogKeys(),
    ];
    expect(everyName.filter((name) => forbidden.test(name))).toEqual([]);
    // The pattern itself is live: these would be caught.
    for (const name of ['card_number', 'cardNumber', 'pan', 'cvv', 'CVC2']) {
      expect(forbidden.test(name), name).toBe(true);
    }
  });
});

describe('purposes (C1.4, C3.1)', () => {
  const using = (purpose: Purpose) => names(fields.filter((f) => f.purposes.includes(purpose)));

  it('allows marketing only on the registered email, and only with consent', () => {
    expect(CONSENT_PURPOSES).toContain('marketing');
    expect(using('marketing')).toEqual(['customers.email']);
    for (const field of fields.filter((f) => f.purposes.includes('marketing'))) {
      expect(groupOf(field)).toBe('registration');
    }
  });

  it('gives service improvement no clear personal field: it sees only aggregates', () => {
    expect(using('service_improvement')).toEqual([]);
  });

  it('lets every consent purpose be a known purpose', () => {
    for (const purpose of CONSENT_PURPOSES) expect(PURPOSES).toContain(purpose);
  });
});

describe('log redaction keys (C1.3)', () => {
  it('contains every column and alias of every personal field, once, sorted', () => {
    const keys = personalLogKeys();
    for (const field of fields) {
      expect(keys, field.name).toContain(field.column);
      for (const alias of field.aliases) expect(keys, field.name).toContain(alias);
    }
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(keys);
    const expected = new Set(fields.flatMap((field) => [field.column, ...field.aliases]));
    expect(new Set(keys)).toEqual(expected);
  });
});
