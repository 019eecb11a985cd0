import type { TaskTimers } from '../../src/platform/jobs/index.js';

/** Timers for a background loop that fire only when the test says so. */
export function handTimers(): {
  readonly timers: TaskTimers;
  /** The delays of the timers pending now. */
  readonly delays: () => number[];
  /** Fires the oldest pending timer; throws when none is. */
  readonly fire: () => void;
} {
  const pending = new Set<{ callback: () => void; ms: number }>();
  const timers: TaskTimers = {
    setTimeout: (callback, ms) => {
      const handle = { callback, ms };
      pending.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as { callback: () => void; ms: number });
    },
  };
  const delays = () => [...pending].map((handle) => handle.ms);
  const fire = () => {
    const [next] = pending;
    if (next === undefined) throw new Error('no timer pending');
    pending.delete(next);
    next.callback();
  };
  return { timers, delays, fire };
}
