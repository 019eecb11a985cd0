// Compares this checkout of the code with another one on the checkout benchmark's load:
// a server from each, side by side and warmed up, taking turns with chunks of checkouts
// (bench/checkout-chunks.ts). Whole benchmark runs on a shared machine differ by more than
// most changes, so a change is judged by its pairs, each two chunks run back to back.
//
//   git worktree add /tmp/before <commit>    # and link or install its node_modules
//   npx tsx bench/compare-checkout.ts /tmp/before [protected|pass-through] [pairs] [chunk]
//
// With CUSTODIA_BENCH_DATABASE_URL set, both servers run on PostgreSQL.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { average, median, pairShortfalls, quantile, takeTurns } from './checkout-chunks.js';
import { startCheckoutServer, type CheckoutMode, type CheckoutServer } from './checkout-load.js';

const [otherDir, modeArg = 'protected', pairsArg = '10', chunkArg = '1000'] = process.argv.slice(2);
if (otherDir === undefined) {
  console.error(
    'usage: compare-checkout.ts <other checkout> [protected|pass-through] [pairs] [chunk]',
  );
  process.exit(2);
}
if (modeArg !== 'protected' && modeArg !== 'pass-through') {
  throw new Error(`mode must be protected or pass-through, not ${modeArg}`);
}
const mode: CheckoutMode = modeArg;
const pairs = Number(pairsArg);
const chunk = Number(chunkArg);
if (!Number.isInteger(pairs) || pairs < 1 || !Number.isInteger(chunk) || chunk < 1) {
  throw new Error('pairs and chunk must be whole numbers of at least 1');
}
const databaseUrl = process.env['CUSTODIA_BENCH_DATABASE_URL'];

// The other checkout's own load module, so its server runs its own code.
const other = (await import(pathToFileURL(resolve(otherDir, 'bench/checkout-load.ts')).href)) as {
  startCheckoutServer: typeof startCheckoutServer;
};

const servers: CheckoutServer[] = [];
try {
  const before = await other.startCheckoutServer(mode, pairs * chunk, { databaseUrl });
  servers.push(before);
  const after = await startCheckoutServer(mode, pairs * chunk, { databaseUrl });
  servers.push(after);
  const { a, b } = await takeTurns(
    'comparison',
    { a: { name: 'other', server: before }, b: { name: 'this', server: after } },
    pairs,
    chunk,
  );
  // 1 − other ÷ this: how much faster this checkout ran than the other, pair by pair.
  const gains = pairShortfalls(a, b);
  const [otherSpent, thisSpent] = [average(a), average(b)];
  console.log(
    `${mode} on ${databaseUrl === undefined ? 'SQLite' : 'PostgreSQL'}, ${pairs} pairs of ${chunk} checkouts`,
  );
  console.log(
    `orders/s, median chunk: other ${median(a).ordersPerSecond.toFixed(0)}, this ${median(b).ordersPerSecond.toFixed(0)}`,
  );
  console.log(
    `this faster by, pair by pair: median ${quantile(gains, 0.5).toFixed(1)}% (quartiles ${quantile(gains, 0.25).toFixed(1)}% to ${quantile(gains, 0.75).toFixed(1)}%)`,
  );
  console.log(
    `main thread's CPU per order: other ${otherSpent.mainThreadMs.toFixed(2)} ms, this ${thisSpent.mainThreadMs.toFixed(2)} ms`,
  );
  console.log(
    `written per order: other ${(otherSpent.writtenBytes / 1024).toFixed(1)} KiB, this ${(thisSpent.writtenBytes / 1024).toFixed(1)} KiB`,
  );
} finally {
  for (const server of servers) {
    await server.stop();
    await server.cleanup();
  }
}
