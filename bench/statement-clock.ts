// Times every statement a process runs, by its SQL, for bench/statement-times.ts: on
// better-sqlite3 the wall time of each call, on PostgreSQL (pg) each round trip from the
// query's call to its answer. Benchmark code only: the benchmark's server turns it on when
// CUSTODIA_BENCH_STATEMENT_TIMES names a file. The first SIGUSR2 starts the clock (and
// writes an empty list to the file), the second stops it and writes the totals.
import { renameSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';

/** What one statement text cost while the clock ran. */
export interface StatementTime {
  readonly sql: string;
  readonly runs: number;
  /**
   * SQLite: wall time on the calling thread (a COMMIT includes its fsync). PostgreSQL: the
   * round trip, during which the event loop runs other work.
   */
  readonly ms: number;
}

function write(file: string, times: readonly StatementTime[]): void {
  writeFileSync(`${file}.part`, JSON.stringify(times));
  renameSync(`${file}.part`, file);
}

/**
 * Wraps run, all and get of every better-sqlite3 statement and pg's `Client.query`;
 * SIGUSR2 starts and stops the clock.
 */
export function timeStatements(file: string): void {
  const totals = new Map<string, { runs: number; ms: number }>();
  let running = false;
  const add = (sql: string, start: bigint) => {
    const total = totals.get(sql) ?? { runs: 0, ms: 0 };
    total.runs += 1;
    total.ms += Number(process.hrtime.bigint() - start) / 1e6;
    totals.set(sql, total);
  };
  const probe = new Database(':memory:');
  const prototype = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  probe.close();
  for (const method of ['run', 'all', 'get'] as const) {
    const original = prototype[method];
    if (original === undefined) throw new Error(`better-sqlite3 statements have no ${method}`);
    prototype[method] = function (this: Database.Statement, ...args: unknown[]) {
      if (!running) return original.apply(this, args);
      const start = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        add(this.source, start);
      }
    };
  }
  timePostgres(add, () => running);
  process.on('SIGUSR2', () => {
    if (!running) {
      totals.clear();
      running = true;
      write(file, []);
      return;
    }
    running = false;
    write(
      file,
      [...totals].map(([sql, total]) => ({ sql, ...total })),
    );
  });
}

/** Kysely's pg driver calls `client.query(sql, parameters)` and awaits the promise. */
function timePostgres(add: (sql: string, start: bigint) => void, running: () => boolean): void {
  const prototype = pg.Client.prototype as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const original = prototype['query'];
  if (original === undefined) throw new Error('pg clients have no query');
  prototype['query'] = function (this: pg.Client, ...args: unknown[]) {
    const result = original.apply(this, args);
    const [query] = args;
    if (!running() || typeof query !== 'string' || !(result instanceof Promise)) return result;
    const start = process.hrtime.bigint();
    return result.finally(() => add(query, start));
  };
}
