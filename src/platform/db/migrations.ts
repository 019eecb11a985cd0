import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { engineOf } from './engine.js';

/** A named schema change; the same migration serves SQLite and PostgreSQL. */
export interface NamedMigration {
  /** Sorted globally: `NNNN_module_what`. */
  readonly name: string;
  readonly migration: Migration;
}

/** A migration failed; names it, without driver details that could carry values. */
export class MigrationFailedError extends Error {
  constructor(
    readonly migrationName: string,
    options?: { cause?: unknown },
  ) {
    super(`Migration ${migrationName} failed`, options);
    this.name = 'MigrationFailedError';
  }
}

// The list is compiled in, so the same binary migrates the same way from src/ or dist/.
function providerOf(migrations: readonly NamedMigration[]): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve(
        Object.fromEntries(migrations.map(({ name, migration }) => [name, migration])),
      ),
  };
}

/**
 * On PostgreSQL the migration tables are named with the connection's own schema: without
 * it Kysely takes a `kysely_migration` table in any other schema of the server for ours.
 */
async function migratorFor<S>(
  db: Kysely<S>,
  migrations: readonly NamedMigration[],
): Promise<Migrator> {
  const provider = providerOf(migrations);
  if (engineOf(db) !== 'postgres') return new Migrator({ db, provider });
  const { rows } = await sql<{
    schema: string | null;
  }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? undefined;
  return new Migrator({
    db,
    provider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
}

/** Applies every pending migration in order; returns the names applied. */
export async function migrateToLatest<S>(
  db: Kysely<S>,
  migrations: readonly NamedMigration[],
): Promise<string[]> {
  const { error, results = [] } = await (await migratorFor(db, migrations)).migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (failed !== undefined) throw new MigrationFailedError(failed.migrationName, { cause: error });
  if (error !== undefined) throw new MigrationFailedError('(migration table)', { cause: error });
  return results
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

/** Which migrations are applied and which are pending. */
export async function migrationStatus<S>(
  db: Kysely<S>,
  migrations: readonly NamedMigration[],
): Promise<{ applied: string[]; pending: string[] }> {
  const infos = await (await migratorFor(db, migrations)).getMigrations();
  return {
    applied: infos.filter((info) => info.executedAt !== undefined).map((info) => info.name),
    pending: infos.filter((info) => info.executedAt === undefined).map((info) => info.name),
  };
}
