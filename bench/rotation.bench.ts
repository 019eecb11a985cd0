import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/app/config.js';
import { openPrivacy } from '../src/app/open-privacy.js';
import { openMigratedDatabase } from '../src/app/server.js';
import { tablesOf } from '../src/platform/db/index.js';
import { rotateKeys, type KeysTables } from '../src/privacy/keys/index.js';
import { seedDataKeys } from '../test/fixtures/seed-data-keys-lib.js';
import { freshPostgresSchema } from '../test/helpers/postgres-schema.js';
import type { Figure } from './harness.js';

const KEYS = 100_000;

/**
 * KEK rotation on the embedded default (WAL, synchronous=FULL): data keys rewrapped per
 * second, each batch committed durably, as `custodia keys rotate` does it.
 */
export async function rotationBenchmark(databaseUrl?: string): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodia-bench-rotation-'));
  const env: Record<string, string> = { CUSTODIA_DATA_DIR: dataDir, CUSTODIA_LOG_LEVEL: 'silent' };
  // On PostgreSQL the benchmark works in a schema of its own and drops it afterwards.
  const schema = databaseUrl === undefined ? undefined : await freshPostgresSchema(databaseUrl);
  if (schema !== undefined) env['CUSTODIA_DATABASE_URL'] = schema.url;
  const config = loadConfig({ env });
  await seedDataKeys(config, KEYS, 'bench');
  const database = await openMigratedDatabase(config);
  try {
    const privacy = await openPrivacy(config, database);
    const started = process.hrtime.bigint();
    const result = await rotateKeys(tablesOf<KeysTables>(database.db), privacy.kek, {
      batchSize: 2000,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const engine = database.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    return [
      { name: `data keys rewrapped (${engine})`, value: result.done, unit: 'keys' },
      {
        name: `rotation rate (${engine}; target ≥ 50,000 on SQLite)`,
        value: result.done / seconds,
        unit: 'keys/s',
      },
    ];
  } finally {
    await database.close();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
