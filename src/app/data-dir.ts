import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './startup-error.js';

/**
 * Creates the data directory (mode 0700: it holds the database and the keyring) and
 * proves it can be written before anything is stored in it.
 */
export function ensureWritableDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK);
    const probe = join(dataDir, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unwritable';
    throw new StartupError(`Data directory ${dataDir} cannot be written (${code})`);
  }
}
