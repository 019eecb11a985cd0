import type { CommerceWiring } from '../commerce-module.js';

/** Wires the carts module. */
export const cartsWiring: CommerceWiring = {
  name: 'carts',
  open: () => ({}),
};
