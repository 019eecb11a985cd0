import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';

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

function migratorFor<S>(db: Kysely<S>, migrations: readonly NamedMigration[]): Migrator {
  return new Migrator({ db, provider: providerOf(migrations) });
}

/** Applies every pending migration in order; returns the names applied. */
export async function migrateToLatest<S>(
  db: Kysely<S>,
  migrations: readonly NamedMigration[],
): Promise<string[]> {
  const { error, results = [] } = await migratorFor(db, migrations).migrateToLatest();
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
  const infos = await migratorFor(db, migrations).getMigrations();
  return {
    applied: infos.filter((info) => info.executedAt !== undefined).map((info) => info.name),
    pending: infos.filter((info) => info.executedAt === undefined).map((info) => info.name),
  };
}
