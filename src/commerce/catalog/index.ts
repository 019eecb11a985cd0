export { catalogAdminRoutes } from './catalog-admin-routes.js';
export { catalogErrors } from './catalog-errors.js';
export { catalogMigration } from './catalog-migration.js';
export type { CatalogTables, ProductTable, VariantTable } from './catalog-migration.js';
export { createCatalogService } from './catalog-service.js';
export type {
  CatalogDeps,
  CatalogService,
  Reservation,
  StockLine,
  VariantSnapshot,
} from './catalog-service.js';
export { catalogStoreRoutes } from './catalog-store-routes.js';
export { MAX_PRICE_MINOR, MAX_STOCK } from './catalog-schemas.js';
