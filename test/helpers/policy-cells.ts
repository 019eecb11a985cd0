import {
  AccessPolicy,
  DEFAULT_ROLES,
  type Actor,
  type Permission,
} from '../../src/privacy/access/index.js';
import {
  personalFields,
  PURPOSES,
  type PersonalField,
  type PersonalFieldName,
  type Purpose,
} from '../../src/privacy/inventory/index.js';

/** The policy of the default roles. */
export const policy = new AccessPolicy();
/** Every declared personal field. */
export const fields = personalFields();
/** The subject every decision is asked about. */
export const SUBJECT = 'cus_subject';

/** A field's name, typed for the policy. */
export const fieldName = (field: PersonalField) => field.name as PersonalFieldName;

/** A staff actor with the given roles. */
export const staff = (roles: readonly string[], mfa = true): Actor => ({
  kind: 'staff',
  id: 'stf_1',
  roles,
  mfa,
});

/** A default role by name. */
export const roleOf = (name: string) => {
  const role = DEFAULT_ROLES.find((r) => r.name === name);
  if (role === undefined) throw new Error(`no role ${name}`);
  return role;
};

/** The default policy's decision for one actor, permission, field and purpose. */
export const decide = (
  actor: Actor,
  permission: Permission | 'self',
  field: PersonalField,
  purpose: Purpose,
) => policy.decide({ actor, permission, field: fieldName(field), purpose, subjectId: SUBJECT });

/** Every (field, purpose) pair, with whether the field declares the purpose. */
export const CELLS = fields.flatMap((field) =>
  PURPOSES.map((purpose) => ({ field, purpose, declared: field.purposes.includes(purpose) })),
);
