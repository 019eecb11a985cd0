import {
  CATEGORIES,
  fieldsInCategory,
  isPurpose,
  type Category,
  type Purpose,
} from '../inventory/index.js';
import { isPermission, type Permission } from './permissions.js';

/**
 * One field category a role may see for one purpose: in the clear, or masked. `reveal`
 * lets the role see a masked grant in the clear through reveal-with-a-reason.
 */
export interface Grant {
  readonly category: Category;
  readonly purpose: Purpose;
  readonly view: 'clear' | 'masked';
  readonly reveal?: boolean;
}

/** A staff role: what it may do (permissions) and what it may see (grants). */
export interface RoleDefinition {
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly Permission[];
  readonly grants: readonly Grant[];
}

/** Credentials are checked by the system and never shown to anyone, masked or not. */
export const UNGRANTABLE_CATEGORIES: readonly Category[] = [
  'registration.credentials',
  'staff.credentials',
];

const ROLE_NAME = /^[a-z][a-z0-9_]{1,47}$/;

/** True when some field of the category may be used for the purpose (C1.4). */
export function categoryAllows(category: Category, purpose: Purpose): boolean {
  return fieldsInCategory(category).some((field) => field.purposes.includes(purpose));
}

function grantProblems(role: string, grant: Grant): string[] {
  const where = `role ${role}, grant ${String(grant.category)} for ${String(grant.purpose)}`;
  if (!Object.hasOwn(CATEGORIES, grant.category)) return [`${where}: unknown category`];
  if (!isPurpose(grant.purpose)) return [`${where}: unknown purpose`];
  const problems: string[] = [];
  if (grant.view !== 'clear' && grant.view !== 'masked') problems.push(`${where}: unknown view`);
  if (grant.reveal === true && grant.view === 'clear') {
    problems.push(`${where}: reveal applies only to a masked grant`);
  }
  if (UNGRANTABLE_CATEGORIES.includes(grant.category)) {
    problems.push(`${where}: credentials are never shown`);
  } else if (!categoryAllows(grant.category, grant.purpose)) {
    problems.push(`${where}: no field of the category may be used for the purpose`);
  }
  if (
    CATEGORIES[grant.category].group === 'staff' &&
    (grant.view === 'clear' || grant.reveal === true)
  ) {
    problems.push(`${where}: staff data may be granted masked only, without reveal`);
  }
  return problems;
}

/** Everything wrong with a set of role definitions; empty when they may be used. */
export function roleProblems(roles: readonly RoleDefinition[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const role of roles) {
    if (!ROLE_NAME.test(role.name)) problems.push(`role ${role.name}: name must be snake_case`);
    if (names.has(role.name)) problems.push(`role ${role.name}: defined twice`);
    names.add(role.name);
    if (role.description.trim() === '') problems.push(`role ${role.name}: no description`);
    for (const permission of role.permissions) {
      if (!isPermission(permission))
        problems.push(`role ${role.name}: unknown permission ${String(permission)}`);
    }
    const granted = new Set<string>();
    for (const grant of role.grants) {
      problems.push(...grantProblems(role.name, grant));
      const key = `${grant.category}|${grant.purpose}`;
      if (granted.has(key)) {
        problems.push(
          `role ${role.name}, grant ${grant.category} for ${grant.purpose}: granted twice`,
        );
      }
      granted.add(key);
    }
  }
  return problems;
}

/** A deeply frozen copy, so that no caller can widen a role after the policy is built. */
export function freezeRoles(roles: readonly RoleDefinition[]): readonly RoleDefinition[] {
  return Object.freeze(
    roles.map((role) =>
      Object.freeze({
        name: role.name,
        description: role.description,
        permissions: Object.freeze([...role.permissions]),
        grants: Object.freeze(role.grants.map((grant) => Object.freeze({ ...grant }))),
      }),
    ),
  );
}
