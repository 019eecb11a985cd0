export { createLogger } from './create-logger.js';
export type { LoggerOptions } from './create-logger.js';
export { REDACTED, createKeyRedactor } from './redaction.js';
export { truncateIp } from './truncate-ip.js';
export type { Logger } from 'pino';
