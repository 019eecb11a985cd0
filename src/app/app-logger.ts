import { personalLogKeys } from '../privacy/inventory/index.js';
import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from '../platform/logging/index.js';
import type { Config } from './config.js';

/** The process logger: pino at the configured level, redacting every field the inventory declares personal. */
export function createAppLogger(
  config: Pick<Config, 'logLevel'>,
  destination?: DestinationStream,
): Logger {
  return createLogger({
    level: config.logLevel,
    personalFieldNames: personalLogKeys(),
    ...(destination === undefined ? {} : { destination }),
  });
}
