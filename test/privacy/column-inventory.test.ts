// C1.1: every database column is declared personal or non-personal, and no declaration is stale.
import { sql, type TableMetadata } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/app/migrations.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/index.js';
import {
  columnDeclaration,
  NON_PERSONAL_COLUMNS,
  PERSONAL_FIELDS,
} from '../../src/privacy/inventory/index.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

/** Every `table.column` the inventory declares, grouped by table. */
function declaredColumns(): Map<string, Set<string>> {
  const byTable = new Map<string, Set<string>>();
  const add = (table: string, column: string) => {
    const columns = byTable.get(table) ?? new Set<string>();
    columns.add(column);
    byTable.set(table, columns);
  };
  for (const name of Object.keys(PERSONAL_FIELDS)) {
    const [table = '', column = ''] = name.split('.');
    add(table, column);
  }
  for (const [table, columns] of Object.entries(NON_PERSONAL_COLUMNS)) {
    for (const column of Object.keys(columns)) add(table, column);
  }
  return byTable;
}

/** Columns in the database that the inventory neither declares personal nor non-personal. */
function undeclaredColumns(tables: readonly TableMetadata[]): string[] {
  return tables
    .flatMap((table) => table.columns.map((column) => [table.name, column.name] as const))
    .filter(([table, column]) => columnDeclaration(table, column) === undefined)
    .map(([table, column]) => `${table}.${column}`)
    .sort();
}

/** Declared columns missing from a table that exists; tables not created yet are allowed. */
function staleDeclarations(tables: readonly TableMetadata[]): string[] {
  const stale: string[] = [];
  for (const [table, columns] of declaredColumns()) {
    const actual = tables.find((t) => t.name === table);
    if (actual === undefined) continue;
    const present = new Set(actual.columns.map((column) => column.name));
    for (const column of columns) if (!present.has(column)) stale.push(`${table}.${column}`);
  }
  return stale.sort();
}

describeEachEngine('column inventory (C1.1)', (engine) => {
  let store: TestStore;
  let database: Database;

  /** The tables of this database only (a shared PostgreSQL server holds other schemas). */
  async function listTables(): Promise<TableMetadata[]> {
    const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true });
    if (engine === 'sqlite') return tables;
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
      database.db,
    );
    return tables.filter((table) => table.schema === rows[0]?.schema);
  }

  beforeAll(async () => {
    store = await createTestStore(engine);
    database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
    await migrateToLatest(database.db, MIGRATIONS);
  });
  afterAll(async () => {
    await database.close();
    await store.cleanup();
  });

  it('declares every column of the migrated schema, Kysely bookkeeping included', async () => {
    const tables = await listTables();
    const names = tables.map((table) => table.name);
    expect(names).toEqual(expect.arrayContaining(['kysely_migration', 'subject_key']));
    expect(undeclaredColumns(tables)).toEqual([]);
  });

  it('has no stale declaration for a table that exists', async () => {
    expect(staleDeclarations(await listTables())).toEqual([]);
  });

  it('control: reports a new undeclared column and a table missing a declared column', async () => {
    const schema = database.db.schema;
    await schema.alterTable('instance_meta').addColumn('note', 'text').execute();
    await schema.createTable('scratch_probe').addColumn('id', 'text').execute();
    // A declared column under another name: the new name is undeclared, the old one stale.
    await schema.alterTable('instance_meta').renameColumn('value', 'value_renamed').execute();
    try {
      const tables = await listTables();
      expect(undeclaredColumns(tables)).toEqual([
        'instance_meta.note',
        'instance_meta.value_renamed',
        'scratch_probe.id',
      ]);
      expect(staleDeclarations(tables)).toEqual(['instance_meta.value']);
    } finally {
      await schema.alterTable('instance_meta').renameColumn('value_renamed', 'value').execute();
      await schema.dropTable('scratch_probe').execute();
      await schema.alterTable('instance_meta').dropColumn('note').execute();
    }
  });
});
