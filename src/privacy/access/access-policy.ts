import { AppError } from '../../platform/errors/index.js';
import {
  CATEGORIES,
  isPersonalFieldName,
  isPurpose,
  personalField,
  type PersonalField,
  type PersonalFieldName,
  type Purpose,
} from '../inventory/index.js';
import { accessErrors } from './access-errors.js';
import type { Actor } from './actor.js';
import { DEFAULT_ROLES } from './default-roles.js';
import { isPermission, type Permission, type SELF } from './permissions.js';
import { freezeRoles, roleProblems, type Grant, type RoleDefinition } from './role-definition.js';

/** How a field may be shown: in the clear, masked, or not at all. */
export type AccessDecision = 'clear' | 'masked' | 'deny';

/** One field of one subject, asked for by an actor under a permission for a purpose. */
export interface AccessRequest {
  readonly actor: Actor;
  readonly permission: Permission | typeof SELF;
  readonly field: PersonalFieldName;
  readonly purpose: Purpose;
  readonly subjectId: string;
}

interface CompiledRole {
  readonly permissions: ReadonlySet<string>;
  /** Keyed `category|purpose`. */
  readonly grants: ReadonlyMap<string, Grant>;
}

const grantKey = (category: string, purpose: string) => `${category}|${purpose}`;

/** The field's declaration when the name and purpose are known and the field declares the purpose. */
function declaredUse(field: PersonalFieldName, purpose: Purpose): PersonalField | undefined {
  // Names and purposes typed as such can still arrive through a cast: refuse the unknown.
  if (!isPersonalFieldName(field) || !isPurpose(purpose)) return undefined;
  const spec = personalField(field);
  return spec.purposes.includes(purpose) ? spec : undefined;
}

/**
 * The access decision engine (C2.3, C1.4): deny by default; a purpose the field does not
 * declare is denied; staff see what their roles grant, only after a second factor;
 * customers see their own data in the clear and nobody else's; service improvement is
 * never shown a clear field.
 */
export class AccessPolicy {
  /** The role definitions in force, frozen. */
  readonly roles: readonly RoleDefinition[];
  readonly #compiled: ReadonlyMap<string, CompiledRole>;

  /** Builds the policy; throws ROLE_DEFINITIONS_INVALID naming every problem. */
  constructor(roles: readonly RoleDefinition[] = DEFAULT_ROLES) {
    const problems = roleProblems(roles);
    if (problems.length > 0) {
      throw new AppError(accessErrors.ROLE_DEFINITIONS_INVALID, {
        message: `Invalid role definitions: ${problems.join('; ')}`,
        details: { problems },
      });
    }
    this.roles = freezeRoles(roles);
    this.#compiled = new Map(
      this.roles.map((role) => [
        role.name,
        {
          permissions: new Set(role.permissions),
          grants: new Map(role.grants.map((g) => [grantKey(g.category, g.purpose), g])),
        },
      ]),
    );
  }

  /** The names of every role this policy knows, defaults first. */
  roleNames(): readonly string[] {
    return this.roles.map((role) => role.name);
  }

  /** True when the actor is staff, has proved a second factor and a role holds the permission. */
  can(actor: Actor, permission: Permission | typeof SELF): boolean {
    if (actor.kind !== 'staff' || actor.mfa !== true || !isPermission(permission)) return false;
    return this.#rolesOf(actor).some((role) => role.permissions.has(permission));
  }

  /** How one field may be shown to the actor for the purpose; 'deny' unless something allows it. */
  decide(request: AccessRequest): AccessDecision {
    const spec = declaredUse(request.field, request.purpose);
    if (spec === undefined) return 'deny';
    const decision = this.#decideDeclared(request, spec);
    // Service improvement works on aggregates and pseudonyms only (C1.4).
    return request.purpose === 'service_improvement' && decision === 'clear' ? 'masked' : decision;
  }

  /** True when the actor may see the field in the clear for the purpose by revealing it with a reason. */
  mayReveal(actor: Actor, field: PersonalFieldName, purpose: Purpose): boolean {
    const spec = declaredUse(field, purpose);
    if (spec === undefined || purpose === 'service_improvement') return false;
    if (actor.kind !== 'staff' || !this.can(actor, 'customers.reveal')) return false;
    return this.#grantsFor(actor, spec, purpose).some(
      (grant) => grant.view === 'clear' || grant.reveal === true,
    );
  }

  #decideDeclared(request: AccessRequest, spec: PersonalField): AccessDecision {
    const { actor } = request;
    switch (actor.kind) {
      case 'customer':
        // Their own data, in the clear; staff records are never a customer's own.
        return actor.id !== '' &&
          actor.id === request.subjectId &&
          CATEGORIES[spec.category].group !== 'staff'
          ? 'clear'
          : 'deny';
      case 'staff': {
        if (!this.can(actor, request.permission)) return 'deny';
        const grants = this.#grantsFor(actor, spec, request.purpose);
        // Several roles: the most permissive grant wins.
        if (grants.some((grant) => grant.view === 'clear')) return 'clear';
        return grants.length > 0 ? 'masked' : 'deny';
      }
      case 'anonymous':
      case 'system':
        // Background processes get no personal data through this path until a system
        // grant is designed for them; anonymous callers never do.
        return 'deny';
    }
  }

  #grantsFor(
    actor: Extract<Actor, { kind: 'staff' }>,
    spec: PersonalField,
    purpose: Purpose,
  ): Grant[] {
    const key = grantKey(spec.category, purpose);
    return this.#rolesOf(actor)
      .map((role) => role.grants.get(key))
      .filter((grant) => grant !== undefined);
  }

  #rolesOf(actor: Extract<Actor, { kind: 'staff' }>): CompiledRole[] {
    // A role the policy does not know grants nothing.
    return actor.roles.map((name) => this.#compiled.get(name)).filter((role) => role !== undefined);
  }
}
