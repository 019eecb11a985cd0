import {
  DEFAULT_CHECKPOINT_AFTER_MS,
  DEFAULT_MAX_BATCH,
  type AuditSealer,
} from './audit-sealer.js';

/** The timer functions the loop uses; tests pass their own to fire runs by hand. */
export interface SealerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What one run of the loop did: every batch it sealed until none was left. */
export interface SealRunReport {
  readonly sealed: number;
  readonly treeSize: number;
  readonly checkpoints: number;
}

/** When and how the background sealer runs. */
export interface SealerLoopOptions {
  /** T: run this often, in milliseconds (10 s). */
  readonly intervalMs?: number;
  /** Run at once when this many events were recorded since the last run (1000). */
  readonly pendingThreshold?: number;
  /** Events per sealing transaction (1000). */
  readonly maxBatch?: number;
  /** A run failed; the loop carries on at the next interval. */
  readonly onError: (error: unknown) => void;
  readonly timers?: SealerTimers;
}

/** The running loop. */
export interface SealerLoop {
  /** Counts recorded events; reaching the pending threshold starts a run at once. */
  notify(count: number): void;
  /** Starts a run now and resolves with its report (undefined when it failed or the loop stopped). */
  runNow(): Promise<SealRunReport | undefined>;
  /** Resolves after the next run that starts after this call (undefined when it failed or the loop stopped). */
  nextRun(): Promise<SealRunReport | undefined>;
  /** Clears the timer and waits for a run in progress; with `flush`, seals once more and checkpoints. */
  stop(options?: { flush?: boolean }): Promise<void>;
}

type Waiter = (report: SealRunReport | undefined) => void;

const defaultTimers: SealerTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // The loop never keeps a process alive on its own: its owner stops it on close.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Runs the sealer in the background: every `intervalMs`, and at once when
 * `pendingThreshold` events were recorded. Each run seals batch after batch until none
 * is left. Runs never overlap; a trigger during a run starts one more right after it.
 */
export function startSealer(sealer: AuditSealer, options: SealerLoopOptions): SealerLoop {
  const intervalMs = options.intervalMs ?? DEFAULT_CHECKPOINT_AFTER_MS;
  const threshold = options.pendingThreshold ?? DEFAULT_MAX_BATCH;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const timers = options.timers ?? defaultTimers;
  let timer: unknown;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let recorded = 0;
  let waiting: Waiter[] = [];

  const clear = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  };
  const schedule = () => {
    clear();
    if (stopped) return;
    timer = timers.setTimeout(() => {
      timer = undefined;
      void trigger();
    }, intervalMs);
  };

  async function runOnce(): Promise<SealRunReport | undefined> {
    try {
      let sealed = 0;
      let checkpoints = 0;
      for (;;) {
        const result = await sealer.sealPending({ maxBatch });
        sealed += result.sealed;
        if (result.checkpoint !== undefined) checkpoints += 1;
        if (result.sealed < maxBatch || stopped) {
          return { sealed, treeSize: result.treeSize, checkpoints };
        }
      }
    } catch (error) {
      options.onError(error);
      return undefined;
    }
  }

  function trigger(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running !== undefined) {
      again = true;
      return running;
    }
    clear();
    running = (async () => {
      try {
        do {
          again = false;
          recorded = 0;
          // Callers waiting now are answered by this run; later ones by the next.
          const answered = waiting;
          waiting = [];
          const report = await runOnce();
          // The next run is due an interval after this one ends; scheduled before anyone
          // is answered, so an answered caller sees the loop as it will stay.
          if (!again) schedule();
          for (const resolve of answered) resolve(report);
        } while (again && !stopped);
      } finally {
        // Cleared in the same tick as the last check of `again`: a trigger from an
        // answered caller then starts a new run instead of being lost.
        running = undefined;
      }
    })();
    return running;
  }

  const nextRun = () =>
    new Promise<SealRunReport | undefined>((resolve) => {
      if (stopped) resolve(undefined);
      else waiting.push(resolve);
    });

  schedule();
  return {
    notify(count) {
      if (stopped) return;
      recorded += count;
      if (recorded >= threshold) void trigger();
    },
    runNow() {
      const report = nextRun();
      void trigger();
      return report;
    },
    nextRun,
    async stop(stopOptions = {}) {
      stopped = true;
      clear();
      await running;
      for (const resolve of waiting.splice(0)) resolve(undefined);
      if (stopOptions.flush !== true) return;
      try {
        await sealer.checkpoint({ maxBatch });
      } catch (error) {
        options.onError(error);
      }
    },
  };
}
