import type { CommerceWiring } from '../commerce-module.js';

/** Wires the refunds module. */
export const refundsWiring: CommerceWiring = {
  name: 'refunds',
  open: () => ({}),
};
