import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { CommitHooksDriver } from './commit-hooks.js';
import { DatabaseOpenError, describeCause } from './database-error.js';
import {
  GroupCommitSqliteDriver,
  type SqliteConnections,
  type StatementSource,
} from './sqlite-group-commit.js';

/** The file name of the embedded database inside the data directory. */
export const SQLITE_FILE_NAME = 'custodia.db';

/** How many prepared statements the connection keeps: more than the distinct queries the app runs. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * The connection as the query layer sees it, with prepared statements kept by SQL text.
 * Preparing parses and plans the statement; the app runs a few hundred distinct queries
 * over and over, so each is prepared once. Least recently used statements are dropped
 * first. The driver runs one query at a time on this connection, so no statement is asked
 * to run while it is still iterating.
 */
function statementCache(database: BetterSqlite3.Database): StatementSource {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
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

/** Kysely's SQLite dialect with the group-committing driver on our own connection. */
class GroupCommitSqliteDialect implements Dialect {
  readonly #connections: SqliteConnections;

  constructor(connections: SqliteConnections) {
    this.#connections = connections;
  }

  createDriver(): Driver {
    return new CommitHooksDriver(new GroupCommitSqliteDriver(this.#connections));
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): SqliteAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * Opens the embedded database with durable settings: WAL, full synchronous commits
 * (a committed order survives power loss), foreign keys, and a busy timeout so that a
 * CLI command and the server can share the file.
 */
export function openSqlite(dataDir: string): {
  dialect: Dialect;
  file: string;
  close: () => void;
} {
  const file = join(dataDir, SQLITE_FILE_NAME);
  let database: BetterSqlite3.Database;
  let reader: BetterSqlite3.Database;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    database = new BetterSqlite3(file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    // Deleted or overwritten content is zeroed, not left in free space: a shredded
    // subject's wrapped data key must not stay readable in the file (C4.4).
    database.pragma('secure_delete = ON');
    database.pragma('foreign_keys = ON');
    // Every transaction runs in a savepoint of the group's batch, and SQLite keeps the
    // pages a savepoint changes, to undo it, in a statement journal: in memory, not a
    // temporary file created, written and deleted per savepoint. It is never needed after
    // a crash (the whole batch is then undone), so memory loses no durability.
    database.pragma('temp_store = MEMORY');
    database.pragma('busy_timeout = 5000');
    // Reads outside transactions: WAL lets them see the last commit while a batch is open.
    reader = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    reader.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new DatabaseOpenError(
      `Cannot open the SQLite database in ${dataDir}: ${describeCause(error)}`,
      {
        cause: error,
      },
    );
  }
  return {
    dialect: new GroupCommitSqliteDialect({
      writer: database,
      writerStatements: statementCache(database),
      reader,
      readerStatements: statementCache(reader),
      file,
    }),
    file,
    close: () => {
      if (reader.open) reader.close();
      if (database.open) database.close();
    },
  };
}
