import type { Config } from '../app/config.js';
import { openPrivacy } from '../app/open-privacy.js';
import { openMigratedDatabase } from '../app/server.js';
import { tablesOf, type Database, type PlatformTables } from '../platform/db/index.js';
import type { KeysTables } from '../privacy/keys/index.js';
import type { PrivacyKernel } from '../privacy/kernel/index.js';

/** A migrated database and an open privacy kernel, for commands that manage keys. */
export async function withKernel<T>(
  config: Config,
  run: (context: {
    database: Database<PlatformTables>;
    privacy: PrivacyKernel;
    keysDb: ReturnType<typeof tablesOf<KeysTables>>;
  }) => Promise<T>,
): Promise<T> {
  const database = await openMigratedDatabase(config);
  try {
    const privacy = await openPrivacy(config, database);
    return await run({ database, privacy, keysDb: tablesOf<KeysTables>(database.db) });
  } finally {
    await database.close();
  }
}
