import { Kysely } from 'kysely';
import type { Engine } from './engine.js';
import { openPostgres, describePostgresUrl } from './postgres.js';
import { openSqlite } from './sqlite.js';

/** Where the data lives, as config states it. */
export interface DatabaseOptions {
  /** A `postgres://` or `postgresql://` URL; absent means SQLite in `dataDir`. */
  readonly url?: string | undefined;
  readonly dataDir: string;
  /** Connections in the PostgreSQL pool. */
  readonly poolMax?: number;
}

/** An open database: the typed query layer, which engine it is, and how to close it. */
export interface Database<S = unknown> {
  readonly db: Kysely<S>;
  readonly engine: Engine;
  /** A safe description for logs and messages (no credentials). */
  readonly description: string;
  close(): Promise<void>;
}

/** True when a database URL selects PostgreSQL. */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** Opens SQLite or PostgreSQL as the options select. */
export async function openDatabase<S>(options: DatabaseOptions): Promise<Database<S>> {
  if (isPostgresUrl(options.url)) {
    const { dialect, close } = await openPostgres(options.url, options.poolMax ?? 10);
    const db = new Kysely<S>({ dialect });
    return {
      db,
      engine: 'postgres',
      description: `PostgreSQL at ${describePostgresUrl(options.url)}`,
      close: async () => {
        await db.destroy();
        await close().catch(() => undefined);
      },
    };
  }
  const { dialect, file, close } = openSqlite(options.dataDir);
  const db = new Kysely<S>({ dialect });
  return {
    db,
    engine: 'sqlite',
    description: `SQLite at ${file}`,
    close: async () => {
      await db.destroy();
      close();
    },
  };
}

/**
 * The same database, typed with one module's tables. There is one schema; each module
 * declares only the tables it owns, so this is the one place where a view is cast.
 */
export function tablesOf<T>(db: object): Kysely<T> {
  return db as unknown as Kysely<T>;
}
