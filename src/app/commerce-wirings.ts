import type { CommerceWiring } from './commerce-module.js';
import { jobsWiring } from './commerce/outbox-wiring.js';
import { catalogWiring } from './commerce/catalog-wiring.js';
import { cartsWiring } from './commerce/carts-wiring.js';
import { paymentsWiring } from './commerce/payments-wiring.js';
import { ordersWiring } from './commerce/orders-wiring.js';
import { shippingWiring } from './commerce/shipping-wiring.js';
import { refundsWiring } from './commerce/refunds-wiring.js';
import { supportWiring } from './commerce/support-wiring.js';
import { checkoutWiring } from './commerce/checkout-wiring.js';
import { fulfilmentWiring } from './commerce/fulfilment-wiring.js';

/**
 * The shop's modules, in the order they open: a module may use the services of those
 * above it. Modules never import each other; this list is where they meet.
 */
export const COMMERCE_WIRINGS: readonly CommerceWiring[] = [
  jobsWiring,
  catalogWiring,
  cartsWiring,
  paymentsWiring,
  ordersWiring,
  shippingWiring,
  refundsWiring,
  supportWiring,
  checkoutWiring,
  fulfilmentWiring,
];
