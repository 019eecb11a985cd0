export { customerAdminRoutes } from './customer-admin-routes.js';
export type { CustomerDeps } from './customer-deps.js';
export { loginCustomer } from './customer-login.js';
export { readCustomer, PROFILE_FIELDS } from './customer-profile.js';
export type { CustomerView, ShownField } from './customer-profile.js';
export { registerCustomer } from './customer-registration.js';
export type { Registration } from './customer-registration.js';
export { customerRoutes } from './customer-routes.js';
export { customersErrors } from './customers-errors.js';
export { customersMigration } from './customers-migration.js';
export type {
  CustomerTable,
  CustomerTables,
  EmailVerificationTable,
} from './customers-migration.js';
export { emailSchema, passwordSchema } from './customers-schemas.js';
export { confirmEmail } from './email-verification.js';
