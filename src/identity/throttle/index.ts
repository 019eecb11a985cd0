export { LoginThrottle } from './login-throttle.js';
export type { ThrottleDecision, ThrottleEntry } from './login-throttle.js';
export {
  assertValidPolicy,
  CUSTOMER_LOGIN_POLICY,
  IP_LOGIN_POLICY,
  STAFF_LOGIN_POLICY,
  THROTTLE_MEMORY_MS,
} from './throttle-policy.js';
export type {
  BackoffPolicy,
  LockoutPolicy,
  ThrottlePolicy,
  WindowPolicy,
} from './throttle-policy.js';
export { loadThrottleSecret, throttleMigration } from './throttle-migration.js';
export type { LoginThrottleTable, ThrottleTables } from './throttle-migration.js';
export { loginThrottled, throttleErrors } from './throttle-errors.js';
