import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { freshPostgresSchema } from './postgres-schema.js';

/** A fresh, empty place to keep data on one engine, and how to remove it. */
export interface TestStore {
  readonly engine: 'sqlite' | 'postgres';
  /** A new temporary data directory (always present: it also holds the keyring). */
  readonly dataDir: string;
  /** The database URL for PostgreSQL; absent for SQLite. */
  readonly databaseUrl: string | undefined;
  /** Settings that point Custodia at this store. */
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** The PostgreSQL server tests may use; set by CI, absent on a laptop without one. */
export const TEST_DATABASE_URL = process.env['CUSTODIA_TEST_DATABASE_URL'];

function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'custodia-test-'));
}

/** Creates an empty store on the given engine. */
export async function createTestStore(engine: 'sqlite' | 'postgres'): Promise<TestStore> {
  const dataDir = tempDataDir();
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (engine === 'sqlite') {
    return {
      engine,
      dataDir,
      databaseUrl: undefined,
      env: { CUSTODIA_DATA_DIR: dataDir },
      cleanup: () => Promise.resolve(removeDir()),
    };
  }
  if (TEST_DATABASE_URL === undefined) throw new Error('CUSTODIA_TEST_DATABASE_URL is not set');
  const { url, drop } = await freshPostgresSchema(TEST_DATABASE_URL);
  return {
    engine,
    dataDir,
    databaseUrl: url,
    env: { CUSTODIA_DATA_DIR: dataDir, CUSTODIA_DATABASE_URL: url },
    cleanup: async () => {
      await drop();
      removeDir();
    },
  };
}

/** SQLite always; PostgreSQL too when CUSTODIA_TEST_DATABASE_URL is set. */
export const TEST_ENGINES: readonly ('sqlite' | 'postgres')[] =
  TEST_DATABASE_URL === undefined ? ['sqlite'] : ['sqlite', 'postgres'];

/** Runs the same suite once per available engine. */
export function describeEachEngine(
  title: string,
  suite: (engine: 'sqlite' | 'postgres') => void,
): void {
  for (const engine of TEST_ENGINES) describe(`${title} [${engine}]`, () => suite(engine));
}
