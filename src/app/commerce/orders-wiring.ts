import type { CommerceWiring } from '../commerce-module.js';

/** Wires the orders module. */
export const ordersWiring: CommerceWiring = {
  name: 'orders',
  open: () => ({}),
};
