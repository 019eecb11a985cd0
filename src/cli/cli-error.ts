import { StartupError } from '../app/startup-error.js';
import { DatabaseOpenError } from '../platform/db/index.js';
import { isAppError } from '../platform/errors/index.js';

/** Prints an error as one line on stderr (no stack trace) and sets a failing exit code. */
export function reportCliError(error: unknown): void {
  // An unreachable database is an expected failure for every command, not only `start`;
  // its message names the engine and the reason, never a password.
  if (error instanceof StartupError || error instanceof DatabaseOpenError) {
    process.stderr.write(`custodia: ${error.message}\n`);
  } else if (isAppError(error)) {
    // A refused request (unknown role, taken email…): its message and stable code.
    process.stderr.write(`custodia: ${error.message} (${error.code})\n`);
  } else {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    process.stderr.write(`custodia: unexpected error: ${message}\n`);
  }
  process.exitCode = 1;
}
