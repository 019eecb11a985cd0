import { systemClock, type Clock } from '../platform/clock.js';
import { tablesOf, type Database } from '../platform/db/index.js';
import { isAppError } from '../platform/errors/index.js';
import { openPrivacyKernel, type PrivacyKernel } from '../privacy/kernel/index.js';
import type { FieldCodec, VaultTables } from '../privacy/vault/index.js';
import type { Config } from './config.js';
import { StartupError } from './startup-error.js';

/**
 * Opens the privacy kernel for the configured keyring. A missing keyring is created; an
 * insecure, truncated or altered one stops startup with one line.
 */
export async function openPrivacy<S>(
  config: Pick<Config, 'keyringPath'>,
  database: Database<S>,
  clock: Clock = systemClock,
  codec?: FieldCodec,
): Promise<PrivacyKernel> {
  try {
    return await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
      keyringPath: config.keyringPath,
      clock,
      ...(codec === undefined ? {} : { codec }),
    });
  } catch (error) {
    if (isAppError(error)) throw new StartupError(error.message);
    throw error;
  }
}
