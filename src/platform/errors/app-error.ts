import type { ErrorSpec } from './error-catalog.js';

/** Structured, non-personal facts about an error that a client may act on. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

interface AppErrorOptions {
  /** Overrides the catalogue message; it must still hold no personal data. */
  readonly message?: string;
  readonly details?: ErrorDetails;
  /** Extra response headers, such as Retry-After. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

// A registered symbol is the same in every copy of this module, where a class is not.
const APP_ERROR = Symbol.for('custodia.AppError');

/**
 * The one error type the application throws on purpose. Its code, status and log level
 * come from a catalogue entry, so every thrown code is documented.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly level: ErrorSpec['level'];
  readonly details: ErrorDetails | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(spec: ErrorSpec, options: AppErrorOptions = {}) {
    super(
      options.message ?? spec.message,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = 'AppError';
    this.code = spec.code;
    this.status = spec.status;
    this.level = spec.level;
    this.details = options.details;
    this.headers = options.headers;
    Object.defineProperty(this, APP_ERROR, { value: true });
  }
}

/** Narrowing helper that also works across module copies. */
export function isAppError(value: unknown): value is AppError {
  return (
    value instanceof Error && (value as unknown as Record<symbol, unknown>)[APP_ERROR] === true
  );
}
