/** The timer functions a periodic task uses; tests pass their own to fire runs by hand. */
export interface TaskTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What a periodic task runs, when, and whom it tells. */
export interface PeriodicTaskOptions<T> {
  /** One run; it should stop at a safe point once the signal is aborted. */
  readonly run: (signal: AbortSignal) => Promise<T>;
  /** The first run after start. */
  readonly firstRunMs: number;
  /** The pause between the end of one run and the start of the next. */
  readonly intervalMs: number;
  /** A run ended with its result. */
  readonly onDone: (result: T) => void;
  /** A run failed as a whole; the task carries on at the next interval. */
  readonly onError: (error: unknown) => void;
  readonly timers?: TaskTimers;
}

/** Background work started and closed with the app. */
export interface PeriodicTask {
  /** Schedules the first run; calling it again does nothing. */
  start(): void;
  /** Clears the timer, aborts a run in progress and waits for it to stop. */
  close(): Promise<void>;
}

const unrefTimers: TaskTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A task never keeps a process alive on its own: its owner closes it.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Runs `run` shortly after start, then an interval after each run ends, so the runs of
 * one process never overlap (those of several instances may: a task must be safe for it).
 */
export function createPeriodicTask<T>(options: PeriodicTaskOptions<T>): PeriodicTask {
  const timers = options.timers ?? unrefTimers;
  const closing = new AbortController();
  let timer: unknown;
  let running: Promise<void> | undefined;
  let started = false;

  const schedule = (ms: number) => {
    if (closing.signal.aborted) return;
    timer = timers.setTimeout(() => {
      timer = undefined;
      // Failures of the run reach onError; only a listener that throws lands here, and
      // must not become an unhandled rejection.
      running = once().catch(() => undefined);
    }, ms);
  };

  async function once(): Promise<void> {
    let outcome: { ok: true; result: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, result: await options.run(closing.signal) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    // The next run is due an interval after this one ends; scheduled before anyone is
    // told, so a listener sees the task as it will stay.
    running = undefined;
    schedule(options.intervalMs);
    if (outcome.ok) options.onDone(outcome.result);
    else options.onError(outcome.error);
  }

  return {
    start() {
      if (started) return;
      started = true;
      schedule(options.firstRunMs);
    },
    async close() {
      closing.abort();
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
