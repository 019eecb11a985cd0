// Checkout over HTTP (issue 6): autocannon against server processes on each engine with
// durable commits, one as Custodia ships and one with the vault's codec and the audit sink
// replaced by pass-through stand-ins, in the same run. The privacy tax is
// 1 − protected ÷ pass-through throughput.
import {
  checkouts,
  startCheckoutServer,
  type CheckoutMode,
  type CheckoutServer,
  type Run,
} from './checkout-load.js';
import type { Figure } from './harness.js';
import { perOrder, processStats, type ProcessStats } from './process-stats.js';

/**
 * Pairs of chunks per engine. Both servers run side by side, warmed up, and take turns:
 * a chunk of checkouts on one, then a chunk on the other, then the other first (on, off,
 * off, on, …), so steady drift of a shared machine falls on both modes alike, and each
 * pair's two chunks ran within seconds of each other.
 */
const PAIRS = 10;
/** Checkouts per chunk: a few seconds of load each. */
const CHUNK = { sqlite: 1000, postgres: 500 } as const;

/** How long a server must stay idle before the next chunk starts, and how it is told. */
const QUIET_WINDOW_MS = 200;
/** At most one 10 ms clock tick of CPU in the window: timers only, no work left. */
const QUIET_CPU_MS = 10;
const QUIET_GIVE_UP_MS = 60_000;

/** A measured chunk, and what the server spent on it per order (its tail of mails included). */
interface Chunk extends Run {
  readonly spent: ProcessStats;
}

const cpuMs = (pid: number) => {
  const stats = processStats(pid);
  return stats.userMs + stats.systemMs;
};

/**
 * Waits until the server has finished what the last chunk left behind (confirmation
 * mails, sealing), so that work is charged to the chunk that caused it, not the next.
 */
async function quiet(server: CheckoutServer): Promise<void> {
  const pid = server.child.pid ?? 0;
  const deadline = performance.now() + QUIET_GIVE_UP_MS;
  let last = cpuMs(pid);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
    const now = cpuMs(pid);
    if (now - last <= QUIET_CPU_MS) return;
    if (performance.now() > deadline) {
      throw new Error(`checkout benchmark: the server stayed busy for ${QUIET_GIVE_UP_MS} ms`);
    }
    last = now;
  }
}

async function runChunk(server: CheckoutServer, carts: readonly string[]): Promise<Chunk> {
  const pid = server.child.pid ?? 0;
  const before = processStats(pid);
  const run = await checkouts(server.ready, carts);
  await quiet(server);
  return { ...run, spent: perOrder(before, processStats(pid), carts.length) };
}

const byRate = (chunks: readonly Chunk[]) =>
  [...chunks].sort((a, b) => a.ordersPerSecond - b.ordersPerSecond);

/** The chunk with the median throughput. */
function median(chunks: readonly Chunk[]): Chunk {
  const middle = byRate(chunks)[Math.floor(chunks.length / 2)];
  if (middle === undefined) throw new Error('checkout benchmark: no chunks');
  return middle;
}

/** Per-order spending over all of a mode's chunks (they are of equal size). */
function average(chunks: readonly Chunk[]): ProcessStats {
  const mean = (key: keyof ProcessStats) =>
    chunks.reduce((sum, chunk) => sum + chunk.spent[key], 0) / chunks.length;
  return {
    userMs: mean('userMs'),
    systemMs: mean('systemMs'),
    mainThreadMs: mean('mainThreadMs'),
    writtenBytes: mean('writtenBytes'),
    writeCalls: mean('writeCalls'),
  };
}

/** The taxes of the pairs, each from two chunks run one right after the other, sorted. */
function pairTaxes(on: readonly Chunk[], off: readonly Chunk[]): number[] {
  return on
    .map((chunk, i) => (1 - chunk.ordersPerSecond / (off[i]?.ordersPerSecond ?? Number.NaN)) * 100)
    .sort((a, b) => a - b);
}

/** The value at quantile q of sorted values, by nearest rank. */
const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function measure(
  label: string,
  chunk: number,
  databaseUrl: string | undefined,
): Promise<{ on: Chunk[]; off: Chunk[] }> {
  const start = (mode: CheckoutMode) => startCheckoutServer(mode, PAIRS * chunk, { databaseUrl });
  const servers = { on: await start('protected'), off: undefined as CheckoutServer | undefined };
  const chunks: { on: Chunk[]; off: Chunk[] } = { on: [], off: [] };
  try {
    const off = await start('pass-through');
    servers.off = off;
    const { on } = servers;
    for (let pair = 0; pair < PAIRS; pair++) {
      const turns = pair % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const mode of turns) {
        const server = mode === 'on' ? on : off;
        await quiet(on);
        await quiet(off);
        const done = await runChunk(
          server,
          server.measured.slice(pair * chunk, (pair + 1) * chunk),
        );
        chunks[mode].push(done);
        const count = chunks.on.length + chunks.off.length;
        process.stderr.write(
          `checkout ${label}: chunk ${count} of ${PAIRS * 2}, ${mode === 'on' ? 'privacy on' : 'pass-through'}, ${done.ordersPerSecond.toFixed(0)} orders/s\n`,
        );
      }
    }
    return chunks;
  } finally {
    for (const server of [servers.on, servers.off]) {
      await server?.stop();
      await server?.cleanup();
    }
  }
}

/** The server's CPU and writes per order, over all chunks of one mode. */
function spending(label: string, spent: ProcessStats): Figure[] {
  return [
    { name: `${label}: server CPU per order`, value: spent.userMs + spent.systemMs, unit: 'ms' },
    { name: `${label}: main thread's CPU per order`, value: spent.mainThreadMs, unit: 'ms' },
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
  const taxes = pairTaxes(on, off);
  const onSpent = average(on);
  const offSpent = average(off);
  const rate = (name: string, value: number | undefined) => ({
    name: `${label}: ${name}`,
    value: value ?? Number.NaN,
    unit: 'orders/s',
  });
  return [
    rate(`orders/s, privacy on (median of ${PAIRS} chunks of ${chunk})`, shipped.ordersPerSecond),
    { name: `${label}: p50, privacy on`, value: shipped.p50, unit: 'ms' },
    { name: `${label}: p99, privacy on`, value: shipped.p99, unit: 'ms' },
    rate('orders/s, pass-through (median)', bare.ordersPerSecond),
    { name: `${label}: p50, pass-through`, value: bare.p50, unit: 'ms' },
    { name: `${label}: p99, pass-through`, value: bare.p99, unit: 'ms' },
    rate('slowest chunk, privacy on', byRate(on)[0]?.ordersPerSecond),
    rate('fastest chunk, privacy on', byRate(on).at(-1)?.ordersPerSecond),
    rate('slowest chunk, pass-through', byRate(off)[0]?.ordersPerSecond),
    rate('fastest chunk, pass-through', byRate(off).at(-1)?.ordersPerSecond),
    ...spending(`${label}, privacy on`, onSpent),
    ...spending(`${label}, pass-through`, offSpent),
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
