import type { OutboxStore } from './outbox-store.js';

/** How long delivered jobs are kept, for looking into a delivery afterwards (7 days). */
export const DEFAULT_KEEP_DELIVERED_MS = 7 * 24 * 60 * 60_000;

/** Delivered jobs deleted per statement: short write transactions, however large the backlog. */
export const PURGE_BATCH = 1_000;

/** What one purge removed: the number of jobs by kind. */
export type PurgedJobs = ReadonlyMap<string, number>;

/**
 * Deletes the jobs delivered before `before`, in batches of `batchSize`, each its own
 * statement, until none is left or `signal` aborts (it stops between batches, so what
 * was deleted stays deleted). Resolves with the counts by kind.
 */
export async function purgeDelivered(
  store: OutboxStore,
  options: { before: number; batchSize?: number; signal?: AbortSignal },
): Promise<PurgedJobs> {
  const batchSize = options.batchSize ?? PURGE_BATCH;
  const purged = new Map<string, number>();
  for (;;) {
    if (options.signal?.aborted === true) break;
    const kinds = await store.purgeDelivered(options.before, batchSize);
    for (const kind of kinds) purged.set(kind, (purged.get(kind) ?? 0) + 1);
    if (kinds.length < batchSize) break;
  }
  return purged;
}

/** The total of a purge's counts. */
export function purgedCount(purged: PurgedJobs): number {
  let total = 0;
  for (const count of purged.values()) total += count;
  return total;
}
