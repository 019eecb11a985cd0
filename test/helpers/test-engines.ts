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
  /** Where the development mailer writes, beside (not inside) the data directory. */
  readonly mailDir: string;
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
  const mailDir = `${dataDir}-mail`;
  const removeDir = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(mailDir, { recursive: true, force: true });
  };
  const base = { CUSTODIA_DATA_DIR: dataDir, CUSTODIA_MAIL_DIR: mailDir };
  if (engine === 'sqlite') {
    return {
      engine,
      dataDir,
      mailDir,
      databaseUrl: undefined,
      env: base,
      cleanup: () => Promise.resolve(removeDir()),
    };
  }
  if (TEST_DATABASE_URL === undefined) throw new Error('CUSTODIA_TEST_DATABASE_URL is not set');
  const { url, drop } = await freshPostgresSchema(TEST_DATABASE_URL);
  return {
    engine,
    dataDir,
    mailDir,
    databaseUrl: url,
    env: { ...base, CUSTODIA_DATABASE_URL: url },
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
