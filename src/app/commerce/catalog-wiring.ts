import { tablesOf } from '../../platform/db/index.js';
import {
  catalogAdminRoutes,
  catalogErrors,
  catalogMigration,
  catalogStoreRoutes,
  createCatalogService,
  type CatalogDeps,
  type CatalogService,
  type CatalogTables,
} from '../../commerce/catalog/index.js';
import type { CommerceWiring } from '../commerce-module.js';

declare module '../commerce-module.js' {
  interface CommerceServices {
    /** Variant snapshots and race-free stock reservation. */
    catalog: CatalogService;
  }
}

/** Wires the catalog module: products, variants, prices and stock. */
export const catalogWiring: CommerceWiring = {
  name: 'catalog',
  migrations: [catalogMigration],
  errors: { catalog: catalogErrors },
  open: (ctx) => {
    const deps: CatalogDeps = {
      db: tablesOf<CatalogTables>(ctx.database.db),
      clock: ctx.clock,
      currency: ctx.config.commerce.currency,
    };
    return {
      services: { catalog: createCatalogService(deps) },
      plugins: [catalogAdminRoutes(deps), catalogStoreRoutes(deps)],
    };
  },
};
