import type { Kysely } from 'kysely';
import type { CartsService } from '../../commerce/carts/index.js';
import type { CatalogService } from '../../commerce/catalog/index.js';
import type { OrdersService } from '../../commerce/orders/index.js';
import type { PaymentsService } from '../../commerce/payments/index.js';
import type { Clock } from '../../platform/clock.js';
import type { Outbox } from '../../platform/jobs/index.js';
import type { Logger } from '../../platform/logging/index.js';
import type { ConsentLedger } from '../../privacy/consent/index.js';
import type { Vault } from '../../privacy/vault/index.js';

/** What checkout is built from: the modules it spans, the vault, the consent ledger. */
export interface CheckoutDeps {
  /** The app's database, for the one transaction that places the order. */
  readonly db: Kysely<unknown>;
  readonly carts: CartsService;
  readonly catalog: CatalogService;
  readonly payments: PaymentsService;
  readonly orders: OrdersService;
  readonly outbox: Outbox;
  readonly consent: ConsentLedger;
  readonly vault: Vault;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: {
    /** The policy version shown beside the consent boxes (C1.2). */
    readonly policyVersion: string;
  };
}
