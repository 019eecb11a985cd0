/**
 * Who acts: a customer on their own data, a staff member with roles (and whether they
 * proved a second factor), nobody logged in, or a named background process.
 */
export type Actor =
  | { readonly kind: 'customer'; readonly id: string }
  | {
      readonly kind: 'staff';
      readonly id: string;
      readonly roles: readonly string[];
      readonly mfa: boolean;
    }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'system'; readonly name: string };

/** The pseudonymous id an audit event records for an actor: an id, never a name or an email. */
export function auditActorId(actor: Actor): string {
  switch (actor.kind) {
    case 'customer':
    case 'staff':
      return actor.id;
    case 'system':
      return `system:${actor.name}`;
    case 'anonymous':
      return 'anonymous';
  }
}

/** The role an audit event records: `customer`, sorted staff roles joined by `,`, `anonymous`, `system`. */
export function auditActorRole(actor: Actor): string {
  switch (actor.kind) {
    case 'customer':
      return 'customer';
    case 'staff':
      // Sorted, so one person's events group under one role string whatever the order.
      return [...actor.roles].sort().join(',');
    case 'system':
      return 'system';
    case 'anonymous':
      return 'anonymous';
  }
}
