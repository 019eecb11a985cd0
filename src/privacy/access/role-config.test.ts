// C2.3: operators add roles in a config file; every mistake is refused by name, and a
// default role cannot be replaced by accident.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../platform/errors/index.js';
import { AccessPolicy, DEFAULT_ROLES, parseRoleDefinitions } from './index.js';

const auditor = {
  name: 'auditor',
  description: 'External auditor: reads the audit log, sees support tickets masked',
  permissions: ['audit.read', 'tickets.read'],
  grants: [{ category: 'service.support_message', purpose: 'customer_support', view: 'masked' }],
};

function problems(json: unknown): string[] {
  try {
    parseRoleDefinitions(json);
  } catch (error) {
    if (isAppError(error) && error.code === 'ROLE_DEFINITIONS_INVALID') {
      expect(error.message).toContain('Invalid role definitions: ');
      return error.details?.['problems'] as string[];
    }
    throw error;
  }
  throw new Error('accepted');
}

describe('parseRoleDefinitions', () => {
  it('adds custom roles after the defaults, and the policy applies them', () => {
    const roles = parseRoleDefinitions({ roles: [auditor] });
    expect(roles.map((role) => role.name)).toEqual([
      ...DEFAULT_ROLES.map((r) => r.name),
      'auditor',
    ]);
    const policy = new AccessPolicy(roles);
    const actor = { kind: 'staff', id: 'stf_a', roles: ['auditor'], mfa: true } as const;
    expect(policy.can(actor, 'audit.read')).toBe(true);
    expect(policy.can(actor, 'customers.read')).toBe(false);
    const request = { actor, permission: 'tickets.read', subjectId: 'cus_1' } as const;
    expect(
      policy.decide({ ...request, field: 'ticket_messages.body', purpose: 'customer_support' }),
    ).toBe('masked');
    expect(
      policy.decide({ ...request, field: 'customers.email', purpose: 'customer_support' }),
    ).toBe('deny');
  });

  it('keeps reveal when given, and returns the defaults alone for an empty list', () => {
    const withReveal = {
      ...auditor,
      permissions: ['customers.reveal'],
      grants: [
        {
          category: 'registration.email',
          purpose: 'customer_support',
          view: 'masked',
          reveal: true,
        },
      ],
    };
    const custom = parseRoleDefinitions({ roles: [withReveal] }).at(-1);
    expect(custom?.grants).toEqual([withReveal.grants[0]]);
    expect(parseRoleDefinitions({ roles: [] }).map((r) => r.name)).toEqual(
      DEFAULT_ROLES.map((r) => r.name),
    );
  });

  it('names an unknown permission, category, purpose and view', () => {
    expect(
      problems({ roles: [{ ...auditor, permissions: ['audit.read', 'customers.delete'] }] }),
    ).toEqual(['roles[0].permissions[1]: unknown permission "customers.delete"']);
    const grant = auditor.grants[0];
    expect(problems({ roles: [{ ...auditor, grants: [{ ...grant, category: 'mood' }] }] })).toEqual(
      ['roles[0].grants[0].category: unknown category "mood"'],
    );
    expect(
      problems({ roles: [{ ...auditor, grants: [{ ...grant, purpose: 'curiosity' }] }] }),
    ).toEqual(['roles[0].grants[0].purpose: unknown purpose "curiosity"']);
    expect(problems({ roles: [{ ...auditor, grants: [{ ...grant, view: 'peek' }] }] })).toEqual([
      'roles[0].grants[0].view: unknown view "peek"',
    ]);
  });

  it('refuses unknown keys at every level', () => {
    const [top] = problems({ roles: [], extra: true });
    expect(top).toMatch(/^\(root\): .*extra/);
    const [role] = problems({ roles: [{ ...auditor, colour: 'blue' }] });
    expect(role).toMatch(/^roles\[0\]: .*colour/);
    const [grant] = problems({
      roles: [{ ...auditor, grants: [{ ...auditor.grants[0], clear: true }] }],
    });
    expect(grant).toMatch(/^roles\[0\]\.grants\[0\]: .*clear/);
  });

  it('refuses a role named like a default one, or like another custom role', () => {
    expect(problems({ roles: [{ ...auditor, name: 'admin' }] })).toContain(
      'role admin: a default role has this name',
    );
    expect(problems({ roles: [auditor, auditor] })).toEqual(['role auditor: defined twice']);
  });

  it('refuses grants no role may hold', () => {
    const grant = (category: string, purpose: string, view: string, reveal?: boolean) => ({
      roles: [
        {
          ...auditor,
          grants: [{ category, purpose, view, ...(reveal === undefined ? {} : { reveal }) }],
        },
      ],
    });
    expect(problems(grant('staff.credentials', 'account', 'masked'))).toEqual([
      'role auditor, grant staff.credentials for account: credentials are never shown',
    ]);
    expect(problems(grant('staff.account', 'account', 'clear'))).toEqual([
      'role auditor, grant staff.account for account: staff data may be granted masked only, without reveal',
    ]);
    expect(problems(grant('payment.card', 'marketing', 'masked'))).toEqual([
      'role auditor, grant payment.card for marketing: no field of the category may be used for the purpose',
    ]);
  });

  it('refuses what is not a role file at all', () => {
    for (const json of [null, 'roles', [], { roles: 'admin' }, { roles: [{ name: 'x' }] }]) {
      expect(problems(json).length).toBeGreaterThan(0);
    }
    expect(problems({ roles: [{ ...auditor, name: 'Auditor Role' }] })[0]).toMatch(
      /^roles\[0\]\.name: /,
    );
    expect(problems({ roles: [{ ...auditor, description: '  ' }] })[0]).toMatch(
      /^roles\[0\]\.description: /,
    );
  });
});
