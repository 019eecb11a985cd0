// Two warmed-up checkout servers taking turns with chunks of checkouts, shared by the
// checkout benchmark (privacy on against pass-through) and bench/compare-checkout.ts (one
// checkout of the code against another). Both start idle, and each chunk is charged with
// the work it leaves behind: it ends once its server is idle again. The order of the two
// alternates pair by pair (A then B, B then A, …), so steady drift of a shared machine
// falls on both alike.
import { checkouts, type CheckoutServer, type Run } from './checkout-load.js';
import { perOrder, processStats, type ProcessStats } from './process-stats.js';

/** A measured chunk, and what its server spent on it per order (its tail of mails included). */
export interface Chunk extends Run {
  readonly spent: ProcessStats;
}

/** How long a server must stay idle before the next chunk starts, and how it is told. */
const QUIET_WINDOW_MS = 200;
/** At most one 10 ms clock tick of CPU in the window: timers only, no work left. */
const QUIET_CPU_MS = 10;
const QUIET_GIVE_UP_MS = 60_000;

const cpuMs = (pid: number) => {
  const stats = processStats(pid);
  return stats.userMs + stats.systemMs;
};

/**
 * Waits until the server has finished what the last chunk left behind (confirmation
 * mails, sealing), so that work is charged to the chunk that caused it, not the next.
 */
export async function quiet(server: CheckoutServer): Promise<void> {
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
  const run = await checkouts(server.ready, carts, server.mailDir);
  await quiet(server);
  return { ...run, spent: perOrder(before, processStats(pid), carts.length) };
}

/** Two servers by name, each started with at least `pairs × chunk` measured carts. */
export interface Contenders {
  readonly a: { readonly name: string; readonly server: CheckoutServer };
  readonly b: { readonly name: string; readonly server: CheckoutServer };
}

/** Runs `pairs` pairs of chunks of `chunk` checkouts; prints a line per chunk to stderr. */
export async function takeTurns(
  label: string,
  { a, b }: Contenders,
  pairs: number,
  chunk: number,
): Promise<{ a: Chunk[]; b: Chunk[] }> {
  const chunks: { a: Chunk[]; b: Chunk[] } = { a: [], b: [] };
  // Done with their warm-up; from here each chunk leaves its server idle.
  await quiet(a.server);
  await quiet(b.server);
  for (let pair = 0; pair < pairs; pair++) {
    const turns = pair % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const side of turns) {
      const { name, server } = side === 'a' ? a : b;
      const done = await runChunk(server, server.measured.slice(pair * chunk, (pair + 1) * chunk));
      chunks[side].push(done);
      const count = chunks.a.length + chunks.b.length;
      process.stderr.write(
        `checkout ${label}: chunk ${count} of ${pairs * 2}, ${name}, ${done.ordersPerSecond.toFixed(0)} orders/s (answered at ${done.answeredPerSecond.toFixed(0)}, ${(done.mailedAtLastAnswer * 100).toFixed(0)}% mailed by then)\n`,
      );
    }
  }
  return chunks;
}

/** Chunks from the slowest to the fastest. */
export const byRate = (chunks: readonly Chunk[]) =>
  [...chunks].sort((x, y) => x.ordersPerSecond - y.ordersPerSecond);

/** The chunk with the median throughput. */
export function median(chunks: readonly Chunk[]): Chunk {
  const middle = byRate(chunks)[Math.floor(chunks.length / 2)];
  if (middle === undefined) throw new Error('checkout benchmark: no chunks');
  return middle;
}

/** Per-order spending over all chunks of one side (they are of equal size). */
export function average(chunks: readonly Chunk[]): ProcessStats {
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

/** `1 − a ÷ b` of each pair's rates, in percent, sorted: a pair ran back to back. */
export function pairShortfalls(a: readonly Chunk[], b: readonly Chunk[]): number[] {
  return a
    .map((chunk, i) => (1 - chunk.ordersPerSecond / (b[i]?.ordersPerSecond ?? Number.NaN)) * 100)
    .sort((x, y) => x - y);
}

/** The value at quantile q of sorted values, by nearest rank. */
export const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
