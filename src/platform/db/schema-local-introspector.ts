import {
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Driver,
  type ColumnMetadata,
  type Kysely,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import { CommitHooksDriver } from './commit-hooks.js';

interface ColumnRow {
  table: string;
  type: string;
  column: string | null;
  data_type: string | null;
  nullable: string | null;
  default_value: string | null;
}

/**
 * Sees only the connection's own schema. Kysely's PostgreSQL introspector reads the
 * catalogue of every schema on the server; the migrator uses it to find its tables, so a
 * shop sharing a server with others would take their migration tables for its own, and
 * a schema dropped by someone else mid-query fails the read (SQLSTATE 3F000).
 */
export class SchemaLocalIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.db);
    return rows.filter((row) => row.name !== null);
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select t.table_name as table, t.table_type as type, c.column_name as column,
        c.data_type as data_type, c.is_nullable as nullable, c.column_default as default_value
      from information_schema.tables t
      left join information_schema.columns c
        on c.table_schema = t.table_schema and c.table_name = t.table_name
      where t.table_schema = current_schema()
      order by t.table_name, c.ordinal_position`.execute(this.db);
    const schema = (await this.getSchemas())[0]?.name;
    const tables = new Map<string, { isView: boolean; columns: ColumnMetadata[] }>();
    for (const row of rows) {
      let table = tables.get(row.table);
      if (table === undefined) {
        table = { isView: row.type === 'VIEW', columns: [] };
        tables.set(row.table, table);
      }
      if (row.column === null) continue;
      table.columns.push({
        name: row.column,
        dataType: row.data_type ?? 'unknown',
        isNullable: row.nullable === 'YES',
        isAutoIncrementing: row.default_value?.startsWith('nextval(') ?? false,
        hasDefaultValue: row.default_value !== null,
      });
    }
    return [...tables].map(([name, table]) => ({
      name,
      ...(schema === undefined ? {} : { schema }),
      isView: table.isView,
      columns: table.columns,
    }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/**
 * The PostgreSQL dialect with introspection limited to the connection's schema, and
 * `afterCommit` callbacks run by its driver.
 */
export class SchemaLocalPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new CommitHooksDriver(super.createDriver());
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaLocalIntrospector(db);
  }
}
