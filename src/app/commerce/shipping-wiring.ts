import type { CommerceWiring } from '../commerce-module.js';

/** Wires the shipping module. */
export const shippingWiring: CommerceWiring = {
  name: 'shipping',
  open: () => ({}),
};
