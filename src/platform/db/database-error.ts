/**
 * The database could not be opened or reached. Its message names the engine and the
 * reason, never a password or a full connection string.
 */
export class DatabaseOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}

/** A short, safe reason for a driver or file-system error. */
export function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    return error.message.split('\n')[0] ?? 'unknown error';
  }
  return 'unknown error';
}
