import type { Kysely } from 'kysely';
import type { OrdersService } from '../../commerce/orders/index.js';
import type { ShippingService } from '../../commerce/shipping/index.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging/index.js';
import type { PersonalDataAccess } from '../../privacy/access/index.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import type { Vault } from '../../privacy/vault/index.js';

/** What the ship-order workflow is built from: the modules it spans and the privacy kernel. */
export interface ShipOrderDeps {
  /** Opens the transaction that records a shipment and moves its order together. */
  readonly db: Kysely<unknown>;
  readonly orders: OrdersService;
  readonly shipping: ShippingService;
  readonly access: PersonalDataAccess;
  readonly vault: Vault;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
}
