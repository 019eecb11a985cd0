import { z } from 'zod';
import { AppError } from '../../platform/errors/index.js';
import { CATEGORY_NAMES, PURPOSES, type Category } from '../inventory/index.js';
import { accessErrors } from './access-errors.js';
import { DEFAULT_ROLES } from './default-roles.js';
import { PERMISSIONS } from './permissions.js';
import { freezeRoles, roleProblems, type RoleDefinition } from './role-definition.js';

const named =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    `unknown ${what} ${JSON.stringify(issue.input)}`;

const grantSchema = z.strictObject({
  category: z.enum(CATEGORY_NAMES as [Category, ...Category[]], { error: named('category') }),
  purpose: z.enum(PURPOSES, { error: named('purpose') }),
  view: z.enum(['clear', 'masked'], { error: named('view') }),
  reveal: z.boolean().optional(),
});

const roleSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]{1,47}$/, 'a role name is snake_case, 2 to 48 characters'),
  description: z.string().trim().min(1, 'a role needs a description').max(300),
  permissions: z.array(z.enum(PERMISSIONS, { error: named('permission') })),
  grants: z.array(grantSchema),
});

const configSchema = z.strictObject({ roles: z.array(roleSchema) });

function invalid(problems: readonly string[]): AppError {
  return new AppError(accessErrors.ROLE_DEFINITIONS_INVALID, {
    message: `Invalid role definitions: ${problems.join('; ')}`,
    details: { problems },
  });
}

/**
 * Reads operator-defined roles (`{ "roles": [ … ] }`, from a config file) and returns them
 * after the default roles. Unknown keys, permissions, categories and purposes are refused
 * by name; a role named like a default one, or like another, is refused too: defaults are
 * never replaced silently.
 */
export function parseRoleDefinitions(json: unknown): readonly RoleDefinition[] {
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.map((issue) => {
        const path = issue.path.map((part) =>
          typeof part === 'number' ? `[${part}]` : `.${String(part)}`,
        );
        return `${path.join('').replace(/^\./, '') || '(root)'}: ${issue.message}`;
      }),
    );
  }
  const custom: RoleDefinition[] = parsed.data.roles.map((role) => ({
    name: role.name,
    description: role.description,
    permissions: role.permissions,
    grants: role.grants.map((grant) =>
      grant.reveal === undefined
        ? { category: grant.category, purpose: grant.purpose, view: grant.view }
        : {
            category: grant.category,
            purpose: grant.purpose,
            view: grant.view,
            reveal: grant.reveal,
          },
    ),
  }));
  const defaults = new Set(DEFAULT_ROLES.map((role) => role.name));
  const clashes = custom
    .filter((role) => defaults.has(role.name))
    .map((role) => `role ${role.name}: a default role has this name`);
  const problems = [...clashes, ...roleProblems([...DEFAULT_ROLES, ...custom])];
  if (problems.length > 0) throw invalid([...new Set(problems)]);
  return freezeRoles([...DEFAULT_ROLES, ...custom]);
}
