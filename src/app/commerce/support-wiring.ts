import type { CommerceWiring } from '../commerce-module.js';

/** Wires the support module. */
export const supportWiring: CommerceWiring = {
  name: 'support',
  open: () => ({}),
};
