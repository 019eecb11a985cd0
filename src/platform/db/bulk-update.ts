import { CompiledQuery, type Kysely } from 'kysely';
import { engineOf } from './engine.js';
import { rowsAffected } from './rows-affected.js';

/** A condition on the target row: the column compared with a constant. */
export type BulkCondition =
  | { readonly column: string; readonly op: '=' | '<>'; readonly value: string | number }
  | { readonly column: string; readonly op: 'is not null' };

/** Many rows updated by key in one statement. */
export interface BulkUpdateSpec {
  readonly table: string;
  readonly key: string;
  /** Columns set from each row's values, in order after the key. */
  readonly columns: readonly { readonly name: string }[];
  /** Columns set to one constant on every row. */
  readonly constants?: Readonly<Record<string, string | number>>;
  /** Extra guards: a row is updated only while they hold (checked at write time). */
  readonly where?: readonly BulkCondition[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function sqlTypeOf(value: unknown, postgres: boolean): string | undefined {
  if (Buffer.isBuffer(value)) return postgres ? 'bytea' : 'blob';
  if (!postgres) return undefined;
  if (typeof value === 'number') return Number.isInteger(value) ? 'bigint' : 'double precision';
  if (typeof value === 'string') return 'text';
  return undefined;
}

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a plain identifier: ${name}`);
  return name;
}

/**
 * Updates many rows in one statement by joining a VALUES list on the key: one parse and
 * one round trip for a whole batch, on both engines (their VALUES columns are both named
 * column1, column2, …). The statement text is built here, where the dialect is known,
 * rather than through the query builder, whose per-parameter cost dominates at this size.
 */
export async function bulkUpdate<S>(
  db: Kysely<S>,
  spec: BulkUpdateSpec,
  rows: readonly (readonly unknown[])[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const postgres = engineOf(db) === 'postgres';
  const params: unknown[] = [];
  const slot = (value: unknown) => {
    params.push(value);
    return postgres ? `$${params.length}` : '?';
  };
  const table = identifier(spec.table);
  const assignments = [
    ...spec.columns.map((column, i) => `${identifier(column.name)} = v.column${i + 2}`),
    ...Object.entries(spec.constants ?? {}).map(
      ([column, value]) => `${identifier(column)} = ${slot(value)}`,
    ),
  ];
  // VALUES parameters carry no type on PostgreSQL; cast each column by the JavaScript type
  // of its first value (SQLite needs no cast, and CAST to its own affinity is harmless).
  const first = rows[0] ?? [];
  const casts = first.map((value) => sqlTypeOf(value, postgres));
  const tuples = rows.map((row) => {
    const cells = row.map((value, i) => {
      const type = casts[i];
      return type === undefined ? slot(value) : `CAST(${slot(value)} AS ${type})`;
    });
    return `(${cells.join(', ')})`;
  });
  const guards = (spec.where ?? []).map((condition) =>
    condition.op === 'is not null'
      ? `${table}.${identifier(condition.column)} IS NOT NULL`
      : `${table}.${identifier(condition.column)} ${condition.op} ${slot(condition.value)}`,
  );
  const text = [
    `UPDATE ${table} SET ${assignments.join(', ')}`,
    `FROM (VALUES ${tuples.join(', ')}) AS v`,
    `WHERE ${[`${table}.${identifier(spec.key)} = v.column1`, ...guards].join(' AND ')}`,
  ].join(' ');
  const result = await db.executeQuery(CompiledQuery.raw(text, params));
  return rowsAffected(result);
}
