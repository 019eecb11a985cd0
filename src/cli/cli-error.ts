import { StartupError } from '../app/startup-error.js';

/** Prints an error as one line on stderr (no stack trace) and sets a failing exit code. */
export function reportCliError(error: unknown): void {
  if (error instanceof StartupError) {
    process.stderr.write(`custodia: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    process.stderr.write(`custodia: unexpected error: ${message}\n`);
  }
  process.exitCode = 1;
}
