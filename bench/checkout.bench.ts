// Checkout over HTTP (issue 6): autocannon against a server process on each engine with
// durable commits, once as Custodia ships and once with the vault's codec and the audit
// sink replaced by pass-through stand-ins, in the same run. The privacy tax is
// 1 − protected ÷ pass-through throughput.
import { checkouts, startCheckoutServer, type CheckoutMode, type Run } from './checkout-load.js';
import type { Figure } from './harness.js';
import { perOrder, processStats, type ProcessStats } from './process-stats.js';

const MEASURED = 3000;

/** A measured run, and what the server spent on it per order. */
interface Round extends Run {
  readonly spent: ProcessStats;
}

async function runOnce(mode: CheckoutMode, databaseUrl?: string): Promise<Round> {
  const server = await startCheckoutServer(mode, MEASURED, { databaseUrl });
  try {
    const pid = server.child.pid ?? 0;
    const before = processStats(pid);
    const run = await checkouts(server.ready, server.measured);
    return { ...run, spent: perOrder(before, processStats(pid), server.measured.length) };
  } finally {
    await server.stop();
    await server.cleanup();
  }
}

/**
 * Rounds of each mode per engine, alternated (on, pass-through, on, …): a machine shared
 * with other work drifts by more than the tax being measured, so each mode is taken at its
 * median round, and both modes see the same drift.
 */
const ROUNDS = 5;

/** The round with the median throughput. */
function median(runs: readonly Round[]): Round {
  const sorted = [...runs].sort((a, b) => a.ordersPerSecond - b.ordersPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('checkout benchmark: no rounds');
  return middle;
}

/**
 * The tax of each pair of rounds run one after the other (on, then pass-through), at
 * the pairs' median: drift between pairs, which a shared machine has plenty of, cancels
 * out within each pair.
 */
function pairedTax(on: readonly Round[], off: readonly Round[]): number {
  const taxes = on
    .map((round, i) => 1 - round.ordersPerSecond / (off[i]?.ordersPerSecond ?? Number.NaN))
    .sort((a, b) => a - b);
  return (taxes[Math.floor(taxes.length / 2)] ?? Number.NaN) * 100;
}

/** The server's CPU and writes per order in one round. */
function spending(label: string, spent: ProcessStats): Figure[] {
  return [
    { name: `${label}: server CPU per order`, value: spent.userMs + spent.systemMs, unit: 'ms' },
    { name: `${label}: bytes written per order`, value: spent.writtenBytes / 1024, unit: 'KiB' },
    { name: `${label}: write calls per order`, value: spent.writeCalls, unit: 'calls' },
  ];
}

async function engineFigures(label: string, databaseUrl?: string): Promise<Figure[]> {
  const on: Round[] = [];
  const off: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    on.push(await runOnce('protected', databaseUrl));
    off.push(await runOnce('pass-through', databaseUrl));
  }
  const shipped = median(on);
  const bare = median(off);
  return [
    { name: `${label}: orders/s, privacy on`, value: shipped.ordersPerSecond, unit: 'orders/s' },
    { name: `${label}: p50, privacy on`, value: shipped.p50, unit: 'ms' },
    { name: `${label}: p99, privacy on`, value: shipped.p99, unit: 'ms' },
    { name: `${label}: orders/s, pass-through`, value: bare.ordersPerSecond, unit: 'orders/s' },
    { name: `${label}: p50, pass-through`, value: bare.p50, unit: 'ms' },
    { name: `${label}: p99, pass-through`, value: bare.p99, unit: 'ms' },
    ...spending(`${label}, privacy on`, shipped.spent),
    ...spending(`${label}, pass-through`, bare.spent),
    {
      name: `${label}: privacy tax (1 − on ÷ pass-through, medians)`,
      value: (1 - shipped.ordersPerSecond / bare.ordersPerSecond) * 100,
      unit: '%',
    },
    {
      name: `${label}: privacy tax, median of the ${ROUNDS} pairs of rounds`,
      value: pairedTax(on, off),
      unit: '%',
    },
    ...on.map((run, i) => ({
      name: `${label}: round ${i + 1}, privacy on`,
      value: run.ordersPerSecond,
      unit: 'orders/s',
    })),
    ...off.map((run, i) => ({
      name: `${label}: round ${i + 1}, pass-through`,
      value: run.ordersPerSecond,
      unit: 'orders/s',
    })),
  ];
}

/** Orders per second, p50 and p99, with privacy on and with pass-through stand-ins, per engine. */
export async function checkoutBenchmark(postgresUrl?: string): Promise<Figure[]> {
  return [
    ...(await engineFigures('SQLite')),
    ...(postgresUrl === undefined ? [] : await engineFigures('PostgreSQL', postgresUrl)),
  ];
}
