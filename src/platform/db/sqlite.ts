import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { DatabaseOpenError, describeCause } from './database-error.js';

/** The file name of the embedded database inside the data directory. */
export const SQLITE_FILE_NAME = 'custodia.db';

/** How many prepared statements the connection keeps: more than the distinct queries the app runs. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * The connection as the query layer sees it, with prepared statements kept by SQL text.
 * Preparing parses and plans the statement; the app runs a few hundred distinct queries
 * over and over, so each is prepared once. Least recently used statements are dropped
 * first. Kysely runs one query at a time on this connection, so no statement is asked to
 * run while it is still iterating.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (statement !== undefined) {
        // Map order is insertion order: re-inserting marks it the most recently used.
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

/**
 * Opens the embedded database with durable settings: WAL, full synchronous commits
 * (a committed order survives power loss), foreign keys, and a busy timeout so that a
 * CLI command and the server can share the file.
 */
export function openSqlite(dataDir: string): {
  dialect: SqliteDialect;
  file: string;
  close: () => void;
} {
  const file = join(dataDir, SQLITE_FILE_NAME);
  let database: BetterSqlite3.Database;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    database = new BetterSqlite3(file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    // Deleted or overwritten content is zeroed, not left in free space: a shredded
    // subject's wrapped data key must not stay readable in the file (C4.4).
    database.pragma('secure_delete = ON');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new DatabaseOpenError(
      `Cannot open the SQLite database in ${dataDir}: ${describeCause(error)}`,
      {
        cause: error,
      },
    );
  }
  return {
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
    file,
    close: () => {
      if (database.open) database.close();
    },
  };
}
