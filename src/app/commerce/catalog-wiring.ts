import type { CommerceWiring } from '../commerce-module.js';

/** Wires the catalog module. */
export const catalogWiring: CommerceWiring = {
  name: 'catalog',
  open: () => ({}),
};
