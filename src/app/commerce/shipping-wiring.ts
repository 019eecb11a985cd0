import type { Kysely } from 'kysely';
import { tablesOf } from '../../platform/db/index.js';
import {
  ShippingService,
  shippingErrors,
  shippingMigration,
  TestCarrier,
  type Carrier,
  type ShippingTables,
} from '../../commerce/shipping/index.js';
import type { CommerceContext, CommerceWiring } from '../commerce-module.js';

declare module '../commerce-module.js' {
  interface CommerceServices {
    /** Shipments and the carrier labels go to. */
    shipping: ShippingService;
  }
}

/** The carrier config names; `test` is the only one built in. */
function carrierOf(ctx: CommerceContext, db: Kysely<ShippingTables>): Carrier {
  switch (ctx.config.commerce.carrier) {
    case 'test':
      return new TestCarrier(db, ctx.clock);
  }
}

/** Wires the shipping module: its tables, its errors, the carrier and `services.shipping`. */
export const shippingWiring: CommerceWiring = {
  name: 'shipping',
  migrations: [shippingMigration],
  errors: { shipping: shippingErrors },
  open: (ctx) => {
    const db = tablesOf<ShippingTables>(ctx.database.db);
    return { services: { shipping: new ShippingService(db, carrierOf(ctx, db), ctx.clock) } };
  },
};
