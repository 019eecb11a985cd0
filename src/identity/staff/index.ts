export { activeStaffRoles, completeStaffSetup, createStaff } from './staff-accounts.js';
export type { CreatedStaff, Enrolment, NewStaff } from './staff-accounts.js';
export type { StaffDeps } from './staff-deps.js';
export { staffErrors } from './staff-errors.js';
export { loginStaff, reauthenticateStaff } from './staff-login.js';
export { staffMigration } from './staff-migration.js';
export type { StaffRecoveryCodeTable, StaffTable, StaffTables } from './staff-migration.js';
export { staffRoutes } from './staff-routes.js';
