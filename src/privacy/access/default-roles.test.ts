// C2.3: the default roles are exactly the authorisation matrix written out below (admin
// never sees customer data in the clear; credentials are shown to no one), and role
// definitions that break the rules are refused when the policy is built.
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
import { isAppError } from '../../platform/errors/index.js';
import { CATEGORIES, type Category } from '../inventory/index.js';
import {
  AccessPolicy,
  DEFAULT_ROLES,
  PERMISSIONS,
  roleProblems,
  type AccessDecision,
  type Grant,
  type Permission,
} from './index.js';

type Expected = 'clear' | 'masked' | 'masked+reveal';

/** The authorisation matrix of the default roles, written out: anything not listed is denied. */
const MATRIX: Readonly<Record<string, Readonly<Record<string, Expected>>>> = {
  support_agent: {
    'registration.name:customer_support': 'masked+reveal',
    'registration.email:customer_support': 'masked+reveal',
    'registration.phone:customer_support': 'masked+reveal',
    'order.contact:customer_support': 'masked+reveal',
    'delivery.address:customer_support': 'masked',
    'payment.card:customer_support': 'masked',
    'service.support_message:customer_support': 'clear',
  },
  fulfilment: {
    'delivery.address:shipping': 'clear',
    'delivery.address:order_fulfilment': 'masked',
    'order.contact:order_fulfilment': 'masked',
    'order.contact:shipping': 'masked',
    'registration.name:order_fulfilment': 'masked',
  },
  finance: {
    'payment.card:payment': 'masked',
    'payment.card:refund': 'masked',
    'order.contact:payment': 'masked',
    'order.contact:refund': 'masked',
    'delivery.address:payment': 'masked',
    'delivery.address:refund': 'masked',
    'delivery.address:legal_obligation': 'masked',
  },
  privacy_officer: Object.fromEntries(
    [
      'registration.name',
      'registration.email',
      'registration.phone',
      'order.contact',
      'delivery.address',
      'payment.card',
      'service.support_message',
      'service.network',
      'service.user_agent',
      'service.staff_note',
    ].map((category) => [`${category}:privacy_request`, 'masked+reveal' as const]),
  ),
  security_officer: {
    'service.network:risk_mitigation': 'masked+reveal',
    'service.user_agent:risk_mitigation': 'masked+reveal',
    'service.staff_note:risk_mitigation': 'masked+reveal',
    'registration.email:identity_verification': 'masked+reveal',
  },
  admin: Object.fromEntries(
    (
      [
        [
          'registration.name',
          ['account', 'order_fulfilment', 'customer_support', 'identity_verification'],
        ],
        [
          'registration.email',
          ['account', 'order_fulfilment', 'customer_support', 'identity_verification'],
        ],
        [
          'registration.phone',
          ['account', 'order_fulfilment', 'shipping', 'customer_support', 'identity_verification'],
        ],
        [
          'order.contact',
          ['order_fulfilment', 'shipping', 'payment', 'refund', 'customer_support'],
        ],
        [
          'delivery.address',
          [
            'order_fulfilment',
            'shipping',
            'refund',
            'customer_support',
            'payment',
            'legal_obligation',
          ],
        ],
        ['payment.card', ['payment', 'refund', 'customer_support']],
        ['service.support_message', ['customer_support']],
        ['service.network', ['risk_mitigation', 'identity_verification']],
        ['service.user_agent', ['risk_mitigation', 'identity_verification']],
        ['service.staff_note', ['customer_support', 'risk_mitigation']],
        ['staff.account', ['account']],
      ] as const
    ).flatMap(([category, purposes]) =>
      purposes.map((p) => [`${category}:${p}`, 'masked' as const]),
    ),
  ),
};

describe('default roles match the authorisation matrix (C2.3)', () => {
  it('are valid and are exactly the six roles of the design', () => {
    expect(roleProblems(DEFAULT_ROLES)).toEqual([]);
    expect(policy.roleNames()).toEqual(Object.keys(MATRIX));
  });

  it.each(Object.keys(MATRIX))('%s: every field × purpose decides as the matrix says', (name) => {
    const role = roleOf(name);
    const [permission] = role.permissions;
    if (permission === undefined) throw new Error('a role without permissions');
    const expected = MATRIX[name] ?? {};
    const seen = new Set<string>();
    for (const { field, purpose, declared } of CELLS) {
      const key = `${field.category}:${purpose}`;
      const cell = declared ? expected[key] : undefined;
      if (cell !== undefined) seen.add(key);
      const want: AccessDecision =
        cell === undefined ? 'deny' : cell === 'clear' ? 'clear' : 'masked';
      expect(
        decide(staff([name]), permission, field, purpose),
        `${field.name} for ${purpose}`,
      ).toBe(want);
      const revealable =
        cell !== undefined && cell !== 'masked' && role.permissions.includes('customers.reveal');
      expect(
        policy.mayReveal(staff([name]), fieldName(field), purpose),
        `reveal ${field.name} for ${purpose}`,
      ).toBe(revealable);
    }
    // Every matrix entry is reachable by some field: the matrix has no dead rows.
    expect([...seen].sort()).toEqual(Object.keys(expected).sort());
  });

  it('admin never sees anything in the clear and can reveal nothing, whatever the permission', () => {
    for (const permission of PERMISSIONS) {
      for (const { field, purpose } of CELLS) {
        expect(decide(staff(['admin']), permission, field, purpose)).not.toBe('clear');
        expect(policy.mayReveal(staff(['admin']), fieldName(field), purpose)).toBe(false);
      }
    }
  });

  it('no role sees credentials, and no role sees staff data in the clear', () => {
    const all = staff(DEFAULT_ROLES.map((role) => role.name));
    for (const permission of PERMISSIONS) {
      for (const { field, purpose } of CELLS) {
        const group = CATEGORIES[field.category].group;
        const decision = decide(all, permission, field, purpose);
        if (field.category.endsWith('.credentials')) expect(decision, field.name).toBe('deny');
        if (group === 'staff') expect(decision, field.name).not.toBe('clear');
      }
    }
  });
});

describe('role definitions checked when the policy is built', () => {
  const base = {
    name: 'auditor',
    description: 'Reads the audit log',
    permissions: ['audit.read'] as Permission[],
  };
  const build = (grants: Grant[]) => () =>
    new AccessPolicy([...DEFAULT_ROLES, { ...base, grants }]);
  const problemsOf = (make: () => unknown): unknown => {
    try {
      make();
    } catch (error) {
      return isAppError(error) ? [error.code, error.details?.['problems']] : error;
    }
    return undefined;
  };

  it.each<[string, Grant[], string]>([
    [
      'credentials',
      [{ category: 'registration.credentials', purpose: 'account', view: 'masked' }],
      'credentials are never shown',
    ],
    [
      'staff data in the clear',
      [{ category: 'staff.account', purpose: 'account', view: 'clear' }],
      'staff data may be granted masked only',
    ],
    [
      'staff data with reveal',
      [{ category: 'staff.account', purpose: 'account', view: 'masked', reveal: true }],
      'staff data may be granted masked only',
    ],
    [
      'an undeclared use',
      [{ category: 'delivery.address', purpose: 'marketing', view: 'masked' }],
      'no field of the category may be used for the purpose',
    ],
    [
      'reveal on a clear grant',
      [{ category: 'order.contact', purpose: 'shipping', view: 'clear', reveal: true }],
      'reveal applies only to a masked grant',
    ],
    [
      'a grant twice',
      [
        { category: 'order.contact', purpose: 'shipping', view: 'masked' },
        { category: 'order.contact', purpose: 'shipping', view: 'clear' },
      ],
      'granted twice',
    ],
    [
      'an unknown category',
      [{ category: 'mood' as Category, purpose: 'account', view: 'masked' }],
      'unknown category',
    ],
  ])('refuses %s', (_what, grants, message) => {
    const result = problemsOf(build(grants));
    expect(result).toEqual(['ROLE_DEFINITIONS_INVALID', [expect.stringContaining(message)]]);
  });

  it('refuses a role defined twice, a bad name and an unknown permission', () => {
    expect(problemsOf(() => new AccessPolicy([...DEFAULT_ROLES, roleOf('admin')]))).toEqual([
      'ROLE_DEFINITIONS_INVALID',
      ['role admin: defined twice'],
    ]);
    expect(problemsOf(() => new AccessPolicy([{ ...base, name: 'Auditor', grants: [] }]))).toEqual([
      'ROLE_DEFINITIONS_INVALID',
      ['role Auditor: name must be snake_case'],
    ]);
    const bad = { ...base, permissions: ['audit.delete' as Permission], grants: [] };
    expect(problemsOf(() => new AccessPolicy([bad]))).toEqual([
      'ROLE_DEFINITIONS_INVALID',
      ['role auditor: unknown permission audit.delete'],
    ]);
  });

  it('cannot be widened after it is built', () => {
    const roles = [{ ...base, grants: [] as Grant[] }];
    const built = new AccessPolicy(roles);
    roles[0]?.grants.push({ category: 'registration.email', purpose: 'account', view: 'clear' });
    const email = fields.find((f) => f.name === 'customers.email');
    if (email === undefined) throw new Error('inventory changed');
    expect(
      built.decide({
        actor: staff(['auditor']),
        permission: 'audit.read',
        field: 'customers.email',
        purpose: 'account',
        subjectId: SUBJECT,
      }),
    ).toBe('deny');
    expect(Object.isFrozen(DEFAULT_ROLES[0]?.grants)).toBe(true);
  });
});
