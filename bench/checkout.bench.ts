// Checkout over HTTP (issue 6): autocannon against server processes on each engine with
// durable commits, one as Custodia ships and one with the vault's codec and the audit sink
// replaced by pass-through stand-ins, in the same run. The privacy tax is
// 1 − protected ÷ pass-through throughput.
import { availableParallelism } from 'node:os';
import {
  average,
  byRate,
  median,
  pairShortfalls,
  quantile,
  takeTurns,
  type Chunk,
} from './checkout-chunks.js';
import { startCheckoutServer, type CheckoutMode, type CheckoutServer } from './checkout-load.js';
import type { Figure } from './harness.js';
import type { ProcessStats } from './process-stats.js';

/**
 * Pairs of chunks per engine. Both servers run side by side, warmed up, and take turns:
 * a chunk of checkouts on one, then a chunk on the other, then the other first (on, off,
 * off, on, …), so steady drift of a shared machine falls on both modes alike, and each
 * pair's two chunks ran within seconds of each other.
 */
const PAIRS = 10;
/** Checkouts per chunk: a few seconds of load each. */
const CHUNK = { sqlite: 1000, postgres: 500 } as const;
/** The machine's cores, for the most orders/s its CPU could give. */
const CORES = availableParallelism();

async function measure(
  label: string,
  chunk: number,
  databaseUrl: string | undefined,
): Promise<{ on: Chunk[]; off: Chunk[] }> {
  const start = (mode: CheckoutMode) => startCheckoutServer(mode, PAIRS * chunk, { databaseUrl });
  const on = await start('protected');
  let off: CheckoutServer | undefined;
  try {
    off = await start('pass-through');
    const chunks = await takeTurns(
      label,
      { a: { name: 'privacy on', server: on }, b: { name: 'pass-through', server: off } },
      PAIRS,
      chunk,
    );
    return { on: chunks.a, off: chunks.b };
  } finally {
    for (const server of [on, off]) {
      await server?.stop();
      await server?.cleanup();
    }
  }
}

/**
 * The server's CPU and writes per order, over all chunks of one mode, and the rates that
 * CPU allows at most: the main thread's (one event loop runs the app, and on SQLite every
 * statement and commit), and, when the server process is all the shop's work (SQLite),
 * every core's, as if nothing else ran on the machine, not even the load generator.
 */
function spending(label: string, spent: ProcessStats, serverIsEverything: boolean): Figure[] {
  const serverMs = spent.userMs + spent.systemMs;
  return [
    { name: `${label}: server CPU per order`, value: serverMs, unit: 'ms' },
    { name: `${label}: main thread's CPU per order`, value: spent.mainThreadMs, unit: 'ms' },
    {
      name: `${label}: most orders/s its main thread allows (1 s ÷ its CPU per order)`,
      value: 1000 / spent.mainThreadMs,
      unit: 'orders/s',
    },
    ...(serverIsEverything
      ? [
          {
            name: `${label}: most orders/s ${CORES} cores allow (${CORES} s ÷ server CPU per order)`,
            value: (CORES * 1000) / serverMs,
            unit: 'orders/s',
          },
        ]
      : []),
    { name: `${label}: bytes written per order`, value: spent.writtenBytes / 1024, unit: 'KiB' },
    { name: `${label}: write calls per order`, value: spent.writeCalls, unit: 'calls' },
  ];
}

async function engineFigures(
  label: string,
  chunk: number,
  databaseUrl?: string,
): Promise<Figure[]> {
  const { on, off } = await measure(label, chunk, databaseUrl);
  const shipped = median(on);
  const bare = median(off);
  const taxes = pairShortfalls(on, off);
  const onSpent = average(on);
  const offSpent = average(off);
  const rate = (name: string, value: number | undefined) => ({
    name: `${label}: ${name}`,
    value: value ?? Number.NaN,
    unit: 'orders/s',
  });
  return [
    rate(`orders/s, privacy on (median of ${PAIRS} chunks of ${chunk})`, shipped.ordersPerSecond),
    rate('answered/s in that chunk (to its last answer)', shipped.answeredPerSecond),
    {
      name: `${label}: confirmation mails written by the last answer, privacy on`,
      value: shipped.mailedAtLastAnswer * 100,
      unit: '%',
    },
    { name: `${label}: p50, privacy on`, value: shipped.p50, unit: 'ms' },
    { name: `${label}: p99, privacy on`, value: shipped.p99, unit: 'ms' },
    rate('orders/s, pass-through (median)', bare.ordersPerSecond),
    rate('answered/s in that chunk, pass-through', bare.answeredPerSecond),
    {
      name: `${label}: confirmation mails written by the last answer, pass-through`,
      value: bare.mailedAtLastAnswer * 100,
      unit: '%',
    },
    { name: `${label}: p50, pass-through`, value: bare.p50, unit: 'ms' },
    { name: `${label}: p99, pass-through`, value: bare.p99, unit: 'ms' },
    rate('slowest chunk, privacy on', byRate(on)[0]?.ordersPerSecond),
    rate('fastest chunk, privacy on', byRate(on).at(-1)?.ordersPerSecond),
    rate('slowest chunk, pass-through', byRate(off)[0]?.ordersPerSecond),
    rate('fastest chunk, pass-through', byRate(off).at(-1)?.ordersPerSecond),
    // On PostgreSQL the database's own processes share the cores: the server is not all.
    ...spending(`${label}, privacy on`, onSpent, databaseUrl === undefined),
    ...spending(`${label}, pass-through`, offSpent, databaseUrl === undefined),
    {
      name: `${label}: privacy tax (1 − on ÷ pass-through, medians)`,
      value: (1 - shipped.ordersPerSecond / bare.ordersPerSecond) * 100,
      unit: '%',
    },
    {
      name: `${label}: privacy tax, median of the ${PAIRS} pairs`,
      value: quantile(taxes, 0.5),
      unit: '%',
    },
    {
      name: `${label}: privacy tax of the pairs, lower quartile`,
      value: quantile(taxes, 0.25),
      unit: '%',
    },
    {
      name: `${label}: privacy tax of the pairs, upper quartile`,
      value: quantile(taxes, 0.75),
      unit: '%',
    },
    {
      name: `${label}: main thread's CPU per order, share privacy adds (1 − pass ÷ on)`,
      value: (1 - offSpent.mainThreadMs / onSpent.mainThreadMs) * 100,
      unit: '%',
    },
  ];
}

/** Orders per second, p50 and p99, with privacy on and with pass-through stand-ins, per engine. */
export async function checkoutBenchmark(postgresUrl?: string): Promise<Figure[]> {
  return [
    ...(await engineFigures('SQLite', CHUNK.sqlite)),
    ...(postgresUrl === undefined
      ? []
      : await engineFigures('PostgreSQL', CHUNK.postgres, postgresUrl)),
  ];
}
