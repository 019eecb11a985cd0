export { accessHistoryRoutes } from './access-history-routes.js';
export { auditAdminRoutes } from './audit-admin-routes.js';
export type { AuditRoutesDeps } from './audit-routes-deps.js';
export { auditQueryErrors } from './audit-routes-errors.js';
