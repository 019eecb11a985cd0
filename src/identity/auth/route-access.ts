import type { Permission } from '../../privacy/access/index.js';
import type { Purpose } from '../../privacy/inventory/index.js';

/** Anyone may call the route; it reaches no personal data of anyone else. */
export interface PublicAccess {
  readonly audience: 'public';
}

/** A logged-in customer, acting on their own data only. */
export interface CustomerAccess {
  readonly audience: 'customer';
  /** The purpose the route's reads and writes serve. */
  readonly purpose: Purpose;
}

/**
 * A shopper: anyone without an account (a guest cart, a guest checkout), or a logged-in
 * customer acting as themselves, with the CSRF check of any customer route. Staff are
 * refused: they do not shop with their work accounts.
 */
export interface ShopperAccess {
  readonly audience: 'shopper';
  /** The purpose the route's reads and writes serve for a logged-in customer. */
  readonly purpose: Purpose;
}

/** A staff member with a permission of their roles, for a purpose (C2.3, C1.4). */
export interface StaffAccess {
  readonly audience: 'staff';
  readonly permission: Permission | 'self';
  /**
   * The purposes the route serves. With several, the caller names one in the
   * `x-custodia-purpose` header; the first is the default.
   */
  readonly purposes: readonly [Purpose, ...Purpose[]];
  /** The staff member must have proved their password and code again within minutes. */
  readonly reauth?: boolean;
}

/**
 * What a route declares about who may call it and why. Every route under `/store` and
 * `/admin` declares one; the guard enforces it before the handler runs.
 */
export type RouteAccess = PublicAccess | ShopperAccess | CustomerAccess | StaffAccess;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** A declared route, as the authorisation matrix lists it. */
export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}
