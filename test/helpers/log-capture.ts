import { createAppLogger } from '../../src/app/app-logger.js';
import { createLogger, type Logger } from '../../src/platform/logging/index.js';

/** A logger whose lines are kept in memory, for asserting what was (not) logged. */
export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: string[];
  /** Every line parsed as JSON. */
  records(): Record<string, unknown>[];
  /** All captured text, for leak scans. */
  text(): string;
}

/**
 * Creates a logger at `trace` that writes into an array: the production logger (with the
 * inventory's redaction) unless other field names are given.
 */
export function captureLogs(personalFieldNames?: Iterable<string>): CapturedLogger {
  const lines: string[] = [];
  const destination = { write: (line: string) => void lines.push(line) };
  const logger =
    personalFieldNames === undefined
      ? createAppLogger({ logLevel: 'trace' }, destination)
      : createLogger({ level: 'trace', personalFieldNames, destination });
  return {
    logger,
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => lines.join(''),
  };
}
