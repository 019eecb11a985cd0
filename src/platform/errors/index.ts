export { AppError, isAppError } from './app-error.js';
export type { ErrorDetails } from './app-error.js';
export { defineErrors } from './error-catalog.js';
export type { ErrorCatalog, ErrorLogLevel, ErrorSpec } from './error-catalog.js';
export { platformErrors } from './platform-errors.js';
export { failureCode } from './failure-code.js';
