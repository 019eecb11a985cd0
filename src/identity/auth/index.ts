export { authErrors } from './auth-errors.js';
export {
  authPlugin,
  clearSessionCookie,
  CSRF_HEADER,
  REAUTH_WINDOW_MS,
  SESSION_COOKIE,
  setSessionCookie,
} from './auth-plugin.js';
export type { AuthDeps, RequestAccess, RequestAuth } from './auth-plugin.js';
export { passwordErrors } from './password-errors.js';
export { assertAcceptablePassword } from './password-rules.js';
export type {
  CustomerAccess,
  DeclaredRoute,
  PublicAccess,
  RouteAccess,
  ShopperAccess,
  StaffAccess,
} from './route-access.js';
export { purposeErrors } from './select-purpose.js';
export { accessOf, sessionOf } from './request-access.js';
