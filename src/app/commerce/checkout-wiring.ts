import type { CommerceWiring } from '../commerce-module.js';

/** Wires the checkout module. */
export const checkoutWiring: CommerceWiring = {
  name: 'checkout',
  open: () => ({}),
};
