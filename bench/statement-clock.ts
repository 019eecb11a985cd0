// Times every statement a process runs on better-sqlite3, by its SQL, for
// bench/statement-times.ts. Benchmark code only: the benchmark's server turns it on when
// CUSTODIA_BENCH_STATEMENT_TIMES names a file. The first SIGUSR2 starts the clock (and
// writes an empty list to the file), the second stops it and writes the totals.
import { renameSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

/** What one statement text cost while the clock ran. */
export interface StatementTime {
  readonly sql: string;
  readonly runs: number;
  /** Wall time on the calling thread: a COMMIT includes its fsync. */
  readonly ms: number;
}

function write(file: string, times: readonly StatementTime[]): void {
  writeFileSync(`${file}.part`, JSON.stringify(times));
  renameSync(`${file}.part`, file);
}

/** Wraps run, all and get of every statement; SIGUSR2 starts and stops the clock. */
export function timeStatements(file: string): void {
  const totals = new Map<string, { runs: number; ms: number }>();
  let running = false;
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
        const total = totals.get(this.source) ?? { runs: 0, ms: 0 };
        total.runs += 1;
        total.ms += Number(process.hrtime.bigint() - start) / 1e6;
        totals.set(this.source, total);
      }
    };
  }
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
