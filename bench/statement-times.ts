// What each statement costs a checkout: the checkout benchmark's server, warmed up, with
// its statements timed one by one (bench/statement-clock.ts) over one run of checkouts and
// the mails and sealing it leaves behind. Each SQL text is reported with its time per
// order, runs per order and time per run, most expensive first.
//
//   npx tsx bench/statement-times.ts [protected|pass-through] [orders]
//   CUSTODIA_BENCH_DATABASE_URL=postgres://… npx tsx bench/statement-times.ts protected 2000
//
// On SQLite the times are wall time on the server's main thread, where better-sqlite3 runs
// every statement: a COMMIT includes its fsync. On PostgreSQL they are round trips, which
// overlap; there the runs per order (each one a round trip through the socket) matter
// more. Timing each call slows the server a little, so the rate printed is not the
// benchmark's.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { quiet } from './checkout-chunks.js';
import { checkouts, startCheckoutServer, type CheckoutMode } from './checkout-load.js';
import type { StatementTime } from './statement-clock.js';

const [modeArg = 'protected', ordersArg = '4000'] = process.argv.slice(2);
if (modeArg !== 'protected' && modeArg !== 'pass-through') {
  throw new Error(`mode must be protected or pass-through, not ${modeArg}`);
}
const mode: CheckoutMode = modeArg;
const orders = Number(ordersArg);
if (!Number.isInteger(orders) || orders < 1) throw new Error('orders must be a whole number');

const FILE_WAIT_MS = 10_000;

/** Waits for the server to write the file after a signal (it writes it whole, by rename). */
async function written(file: string): Promise<StatementTime[]> {
  const deadline = performance.now() + FILE_WAIT_MS;
  while (!existsSync(file)) {
    if (performance.now() > deadline) throw new Error('the server did not answer the signal');
    await sleep(10);
  }
  const times = JSON.parse(readFileSync(file, 'utf8')) as StatementTime[];
  rmSync(file);
  return times;
}

const databaseUrl = process.env['CUSTODIA_BENCH_DATABASE_URL'];
const engine = databaseUrl === undefined ? 'SQLite' : 'PostgreSQL';
const server = await startCheckoutServer(mode, orders, {
  databaseUrl,
  env: (dir) => ({ CUSTODIA_BENCH_STATEMENT_TIMES: join(dir, 'statement-times.json') }),
});
try {
  const file = join(server.dir, 'statement-times.json');
  await quiet(server);
  server.child.kill('SIGUSR2');
  await written(file);
  const run = await checkouts(server.ready, server.measured, server.mailDir);
  await quiet(server);
  server.child.kill('SIGUSR2');
  const times = (await written(file)).sort((a, b) => b.ms - a.ms);
  const totalMs = times.reduce((sum, time) => sum + time.ms, 0);
  console.log(
    `${mode} on ${engine}, ${orders} checkouts at ${run.ordersPerSecond.toFixed(0)} orders/s to the last mail (timed)`,
  );
  const totalRuns = times.reduce((sum, time) => sum + time.runs, 0);
  console.log(
    `every statement: ${((totalMs / orders) * 1000).toFixed(0)} µs and ${(totalRuns / orders).toFixed(1)} runs per order\n`,
  );
  console.log('µs/order  runs/order  µs/run  statement');
  for (const time of times.slice(0, 40)) {
    const perOrder = ((time.ms / orders) * 1000).toFixed(1).padStart(8);
    const runs = (time.runs / orders).toFixed(2).padStart(10);
    const perRun = ((time.ms / time.runs) * 1000).toFixed(1).padStart(7);
    console.log(`${perOrder}  ${runs}  ${perRun}  ${time.sql.replace(/\s+/g, ' ').slice(0, 100)}`);
  }
} finally {
  await server.stop();
  await server.cleanup();
}
