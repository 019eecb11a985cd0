import pg from 'pg';
import type { PostgresDialect } from 'kysely';
import { DatabaseOpenError, describeCause } from './database-error.js';
import { SchemaLocalPostgresDialect } from './schema-local-introspector.js';

// int8 (bigint, count(*)) comes back as a JS number: every int8 we store is an epoch-ms
// time, a sequence number or an amount, all well inside 2^53.
const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : (pg.types.getTypeParser(
          oid,
          format ?? 'text',
        ) as unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Host, port and database of a URL, for messages: never the user or password. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured server';
  }
}

/** Opens a connection pool and proves the server is reachable before anything else runs. */
export async function openPostgres(
  url: string,
  poolMax: number,
): Promise<{ dialect: PostgresDialect; close: () => Promise<void> }> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    types,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener
  // that would crash the process. The next query reports the failure instead.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseOpenError(
      `Cannot connect to PostgreSQL at ${describePostgresUrl(url)}: ${describeCause(error)}`,
      { cause: error },
    );
  }
  return { dialect: new SchemaLocalPostgresDialect({ pool }), close: () => pool.end() };
}
