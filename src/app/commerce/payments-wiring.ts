import type { CommerceWiring } from '../commerce-module.js';

/** Wires the payments module. */
export const paymentsWiring: CommerceWiring = {
  name: 'payments',
  open: () => ({}),
};
