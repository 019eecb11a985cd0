import {
  pino,
  stdSerializers,
  type DestinationStream,
  type Logger,
  type LevelWithSilent,
} from 'pino';
import { looksLikeId } from '../ids.js';
import { ALWAYS_REDACTED_PATHS, REDACTED, createKeyRedactor } from './redaction.js';

/** Options for the process logger. */
export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Field names declared personal by the privacy inventory; redacted at any depth. */
  readonly personalFieldNames?: Iterable<string>;
  /** Where lines go; standard output when absent. Tests pass a capture stream. */
  readonly destination?: DestinationStream;
}

interface RequestLike {
  id?: string;
  method?: string;
  params?: unknown;
  routeOptions?: { url?: string };
}

/**
 * The path as the route template with each parameter that has the shape of an id filled
 * in (ids are pseudonymous; others stay `:name`), or nothing for a path no route matched.
 * The raw path is whatever the client typed, and can hold anything (an address pasted
 * into a URL).
 */
function loggedPath(req: RequestLike): string | undefined {
  const route = req.routeOptions?.url;
  if (route === undefined) return undefined;
  const params = (req.params ?? {}) as Record<string, unknown>;
  return route.replace(/:(\w+)/g, (name: string, key: string) => {
    const value = params[key];
    return typeof value === 'string' && looksLikeId(value) ? value : name;
  });
}

/**
 * Logs a request without its query string, without path text other than ids, and without
 * the client address: all can be personal data, and service-interaction logs are kept
 * only encrypted (C1.3).
 */
function serializeRequest(req: RequestLike): Record<string, unknown> {
  return { id: req.id, method: req.method, path: loggedPath(req), route: req.routeOptions?.url };
}

/** Errors are logged by type, code, message and stack only: driver errors can carry values. */
function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const base = stdSerializers.err(err);
  const code = (err as { code?: unknown }).code;
  return { type: base.type, message: base.message, stack: base.stack, code };
}

/** The JSON logger of the process: pino with credentials and personal fields redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const redactKeys = createKeyRedactor(options.personalFieldNames ?? []);
  return pino(
    {
      level: options.level,
      base: { service: 'custodia' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...ALWAYS_REDACTED_PATHS], censor: REDACTED },
      serializers: { req: serializeRequest, err: serializeError, error: serializeError },
      formatters: {
        log: (object) => redactKeys(object) as Record<string, unknown>,
      },
    },
    options.destination,
  );
}
