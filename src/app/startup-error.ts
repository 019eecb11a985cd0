/**
 * A reason the service cannot start. The CLI prints its message as one line, without a
 * stack trace, and exits non-zero.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
