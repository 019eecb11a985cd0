import type { CommerceWiring } from '../commerce-module.js';

/** Wires the jobs module. */
export const jobsWiring: CommerceWiring = {
  name: 'jobs',
  open: () => ({}),
};
