// C2.3, C1.4: the decision engine. Deny by default; a purpose the field does not declare
// is denied; staff see only what their roles grant, after a second factor; service
// improvement never sees a clear field; customers see their own data and nobody else's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CELLS,
  decide,
  fieldName,
  fields,
  policy,
  roleOf,
  staff,
  SUBJECT,
} from '../../../test/helpers/policy-cells.js';
import { CATEGORIES, PURPOSES, type PersonalFieldName, type Purpose } from '../inventory/index.js';
import {
  AccessPolicy,
  DEFAULT_ROLES,
  PERMISSIONS,
  type Actor,
  type Grant,
  type Permission,
} from './index.js';

describe('deny by default', () => {
  it('denies a purpose the field does not declare, for every role and permission (C1.4)', () => {
    const all = staff(DEFAULT_ROLES.map((role) => role.name));
    for (const permission of PERMISSIONS) {
      for (const { field, purpose, declared } of CELLS) {
        if (declared) continue;
        expect(decide(all, permission, field, purpose)).toBe('deny');
        expect(policy.mayReveal(all, fieldName(field), purpose)).toBe(false);
      }
    }
  });

  it('never shows service improvement a clear field', () => {
    for (const actor of [
      staff(DEFAULT_ROLES.map((r) => r.name)),
      { kind: 'customer', id: SUBJECT } as const,
    ]) {
      for (const field of fields) {
        for (const permission of PERMISSIONS) {
          expect(decide(actor, permission, field, 'service_improvement')).not.toBe('clear');
        }
      }
    }
  });

  it('denies staff without a second factor, whatever their roles grant', () => {
    const unproven = staff(
      DEFAULT_ROLES.map((role) => role.name),
      false,
    );
    for (const permission of PERMISSIONS) {
      expect(policy.can(unproven, permission)).toBe(false);
      for (const { field, purpose } of CELLS) {
        expect(decide(unproven, permission, field, purpose)).toBe('deny');
        expect(policy.mayReveal(unproven, fieldName(field), purpose)).toBe(false);
      }
    }
  });

  it.each(DEFAULT_ROLES.map((role) => role.name))(
    '%s is denied under a permission it does not hold',
    (name) => {
      const held = roleOf(name).permissions;
      for (const permission of PERMISSIONS.filter((p) => !held.includes(p))) {
        expect(policy.can(staff([name]), permission)).toBe(false);
        for (const { field, purpose } of CELLS) {
          expect(decide(staff([name]), permission, field, purpose)).toBe('deny');
        }
      }
      for (const { field, purpose } of CELLS)
        expect(decide(staff([name]), 'self', field, purpose)).toBe('deny');
    },
  );

  it('denies staff with no role or only roles the policy does not know', () => {
    for (const roles of [[], ['owner'], ['ADMIN'], ['__proto__']]) {
      for (const { field, purpose } of CELLS) {
        expect(decide(staff(roles), 'customers.read', field, purpose)).toBe('deny');
      }
      expect(policy.can(staff(roles), 'customers.read')).toBe(false);
    }
  });

  it('denies anonymous callers and background processes everything', () => {
    const actors: Actor[] = [{ kind: 'anonymous' }, { kind: 'system', name: 'mailer' }];
    for (const actor of actors) {
      expect(policy.can(actor, 'customers.read')).toBe(false);
      for (const { field, purpose } of CELLS) {
        expect(decide(actor, 'customers.read', field, purpose)).toBe('deny');
        expect(policy.mayReveal(actor, fieldName(field), purpose)).toBe(false);
      }
    }
  });

  it('denies a field or purpose that arrives undeclared through a cast', () => {
    const actor = staff(['support_agent']);
    const request = { actor, permission: 'customers.read' as const, subjectId: SUBJECT };
    expect(
      policy.decide({
        ...request,
        field: 'customer.favourite_colour' as PersonalFieldName,
        purpose: 'customer_support',
      }),
    ).toBe('deny');
    expect(
      policy.decide({ ...request, field: 'customers.email', purpose: 'curiosity' as Purpose }),
    ).toBe('deny');
    expect(
      policy.decide({ ...request, field: 'customers.email', purpose: 'customer_support' }),
    ).toBe('masked');
    expect(policy.can(actor, 'customers.delete' as Permission)).toBe(false);
  });
});

describe('customers (own data only)', () => {
  const own: Actor = { kind: 'customer', id: SUBJECT };
  const other: Actor = { kind: 'customer', id: 'cus_other' };

  it('see their own data in the clear for every declared purpose, staff records never', () => {
    for (const { field, purpose, declared } of CELLS) {
      const staffData = CATEGORIES[field.category].group === 'staff';
      const want = declared && !staffData && purpose !== 'service_improvement' ? 'clear' : 'deny';
      expect(decide(own, 'self', field, purpose), `${field.name} for ${purpose}`).toBe(want);
    }
  });

  it("see nobody else's data, and hold no staff permission", () => {
    for (const { field, purpose } of CELLS)
      expect(decide(other, 'self', field, purpose)).toBe('deny');
    for (const permission of PERMISSIONS) expect(policy.can(own, permission)).toBe(false);
    expect(
      policy.decide({
        actor: { kind: 'customer', id: '' },
        permission: 'self',
        field: 'customers.email',
        purpose: 'account',
        subjectId: '',
      }),
    ).toBe('deny');
  });

  it('cannot reveal: they already see their own data, and no one else’s', () => {
    for (const { field, purpose } of CELLS)
      expect(policy.mayReveal(own, fieldName(field), purpose)).toBe(false);
  });
});

describe('several roles', () => {
  it('take the most permissive grant of any of them', () => {
    const both = staff(['support_agent', 'fulfilment']);
    const address = fields.find((f) => f.name === 'orders.shipping_address');
    if (address === undefined) throw new Error('inventory changed');
    expect(decide(both, 'orders.read', address, 'shipping')).toBe('clear');
    expect(decide(both, 'orders.read', address, 'customer_support')).toBe('masked');
    expect(decide(staff(['support_agent']), 'orders.read', address, 'shipping')).toBe('deny');
  });

  it('combine permissions of one role with grants of another', () => {
    const email = fields.find((f) => f.name === 'customers.email');
    if (email === undefined) throw new Error('inventory changed');
    // privacy_officer holds customers.reveal; admin alone does not.
    expect(policy.mayReveal(staff(['admin']), 'customers.email', 'customer_support')).toBe(false);
    expect(
      policy.mayReveal(staff(['admin', 'support_agent']), 'customers.email', 'customer_support'),
    ).toBe(true);
    expect(decide(staff(['admin', 'fulfilment']), 'orders.read', email, 'account')).toBe('masked');
  });
});

describe('property: nothing is clear for a purpose the field does not declare (C1.4)', () => {
  /** Any (category, purpose) a valid role may be granted. */
  const grantable = fields
    .filter((field) => !field.category.endsWith('.credentials'))
    .flatMap((field) => field.purposes.map((purpose) => ({ category: field.category, purpose })));
  const grantArb = fc
    .tuple(
      fc.constantFrom(...grantable),
      fc.constantFrom<Grant['view']>('clear', 'masked'),
      fc.boolean(),
    )
    .filter(
      ([{ category }, view, reveal]) =>
        CATEGORIES[category].group !== 'staff' || (view === 'masked' && !reveal),
    )
    .map(([{ category, purpose }, view, reveal]): Grant =>
      view === 'masked' && reveal
        ? { category, purpose, view, reveal }
        : { category, purpose, view },
    );
  const customRole = fc.record({
    permissions: fc.subarray([...PERMISSIONS]),
    grants: fc.uniqueArray(grantArb, {
      selector: (g) => `${g.category}|${g.purpose}`,
      maxLength: 12,
    }),
  });
  const roleNames = [...DEFAULT_ROLES.map((r) => r.name), 'custom', 'unknown_role'];
  const actorArb: fc.Arbitrary<Actor> = fc.oneof(
    fc.constantFrom<Actor>({ kind: 'anonymous' }, { kind: 'system', name: 'worker' }),
    fc.constantFrom(SUBJECT, 'cus_other').map((id): Actor => ({ kind: 'customer', id })),
    fc
      .record({ roles: fc.subarray(roleNames), mfa: fc.boolean() })
      .map(({ roles, mfa }): Actor => ({ kind: 'staff', id: 'stf_x', roles, mfa })),
  );
  const undeclared = fc
    .tuple(fc.constantFrom(...fields), fc.constantFrom(...PURPOSES))
    .filter(([field, purpose]) => !field.purposes.includes(purpose));

  it('holds for every actor, permission and role set, custom roles included (1,000 runs)', () => {
    fc.assert(
      fc.property(
        customRole,
        actorArb,
        fc.constantFrom<Permission | 'self'>(...PERMISSIONS, 'self'),
        undeclared,
        (custom, actor, permission, [field, purpose]) => {
          const withCustom = new AccessPolicy([
            ...DEFAULT_ROLES,
            { name: 'custom', description: 'generated', ...custom },
          ]);
          const request = {
            actor,
            permission,
            field: fieldName(field),
            purpose,
            subjectId: SUBJECT,
          };
          expect(withCustom.decide(request)).toBe('deny');
          expect(withCustom.mayReveal(actor, fieldName(field), purpose)).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('and nothing is ever clear for service improvement or for staff without a second factor (1,000 runs)', () => {
    fc.assert(
      fc.property(
        customRole,
        actorArb,
        fc.constantFrom(...PERMISSIONS),
        fc.constantFrom(...fields),
        fc.constantFrom(...PURPOSES),
        (custom, actor, permission, field, purpose) => {
          const withCustom = new AccessPolicy([
            ...DEFAULT_ROLES,
            { name: 'custom', description: 'generated', ...custom },
          ]);
          const decision = withCustom.decide({
            actor,
            permission,
            field: fieldName(field),
            purpose,
            subjectId: SUBJECT,
          });
          if (purpose === 'service_improvement') expect(decision).not.toBe('clear');
          if (actor.kind === 'staff' && !actor.mfa) expect(decision).toBe('deny');
          if (actor.kind === 'anonymous' || actor.kind === 'system') expect(decision).toBe('deny');
          if (actor.kind === 'staff' && actor.roles.length === 1 && actor.roles[0] === 'admin') {
            expect(decision).not.toBe('clear');
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
