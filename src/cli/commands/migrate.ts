import { Command } from 'commander';
import { MIGRATIONS } from '../../app/migrations.js';
import { openMigratedDatabase } from '../../app/server.js';
import { migrationStatus, openDatabase, type PlatformTables } from '../../platform/db/index.js';
import { configFrom, withConfigOption, type ConfigFlags } from '../config-options.js';

interface MigrateFlags extends ConfigFlags {
  status?: boolean;
}

/** `custodia migrate`: apply pending migrations, or list their status. */
export function migrateCommand(): Command {
  return withConfigOption(
    new Command('migrate')
      .description('apply pending database migrations (the server also does this at start)')
      .option('--status', 'list applied and pending migrations without changing anything'),
  ).action(async (flags: MigrateFlags) => {
    const config = configFrom(flags);
    if (flags.status === true) {
      const database = await openDatabase<PlatformTables>({
        url: config.databaseUrl,
        dataDir: config.dataDir,
        poolMax: 1,
      });
      try {
        const { applied, pending } = await migrationStatus(database.db, MIGRATIONS);
        console.log(`${database.description}`);
        for (const name of applied) console.log(`  applied  ${name}`);
        for (const name of pending) console.log(`  pending  ${name}`);
      } finally {
        await database.close();
      }
      return;
    }
    const before = Date.now();
    const database = await openMigratedDatabase(config);
    await database.close();
    console.log(
      `${database.description}: schema up to date (${MIGRATIONS.length} migrations, ${Date.now() - before} ms)`,
    );
  });
}
