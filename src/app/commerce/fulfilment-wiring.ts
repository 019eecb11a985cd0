import type { CommerceWiring } from '../commerce-module.js';

/** Wires the fulfilment module. */
export const fulfilmentWiring: CommerceWiring = {
  name: 'fulfilment',
  open: () => ({}),
};
