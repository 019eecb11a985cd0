import { activeStaffRoles } from '../../identity/staff/index.js';
import {
  adminTicketRoutes,
  storeTicketRoutes,
  supportErrors,
  supportMigration,
  SupportService,
  type OrderLookup,
  type SupportTables,
} from '../../commerce/support/index.js';
import { tablesOf } from '../../platform/db/index.js';
import type { CommerceWiring } from '../commerce-module.js';

declare module '../commerce-module.js' {
  interface CommerceServices {
    support: SupportService;
  }
}

/** Wires the support module: tickets and messages, for customers and support staff. */
export const supportWiring: CommerceWiring = {
  name: 'support',
  migrations: [supportMigration],
  errors: { support: supportErrors },
  open: (ctx, services) => {
    const { identity } = ctx;
    const support = new SupportService({
      db: tablesOf<SupportTables>(ctx.database.db),
      vault: ctx.privacy.vault,
      access: identity.customers.access,
      audit: identity.audit,
      clock: ctx.clock,
      mayAnswer: async (staffId) => {
        const roles = await activeStaffRoles(identity.staff, staffId);
        if (roles === undefined) return false;
        // Active staff accounts have proved a second factor to exist at all.
        return identity.policy.can(
          { kind: 'staff', id: staffId, roles, mfa: true },
          'tickets.reply',
        );
      },
      // Read when a ticket names an order: the orders module opens before this one, if at all.
      orders: () => (services as { orders?: OrderLookup }).orders,
    });
    return {
      plugins: [storeTicketRoutes(support), adminTicketRoutes(support)],
      services: { support },
    };
  },
};
