// The background loop of checkout recovery: a first sweep shortly after start, then one an
// interval after each sweep ends, never two at once; a failed sweep is reported and the
// loop carries on; close stops it, aborting and waiting for the sweep in hand. Timers are
// fired by hand.
import { describe, expect, it } from 'vitest';
import { handTimers } from '../../../test/helpers/hand-timers.js';
import {
  CHECKOUT_RECOVERY_FIRST_RUN_MS,
  CHECKOUT_RECOVERY_INTERVAL_MS,
  createRecoveryLoop,
} from './checkout-recovery-loop.js';
import type { RecoveryReport } from './checkout-recovery.js';

describe('the recovery loop', () => {
  const empty: RecoveryReport = { paid: 0, cancelled: 0, settled: 0, left: 0, failed: 0 };

  it('sweeps shortly after start, then an interval after each sweep ends, never two at once', async () => {
    const { timers, delays, fire } = handTimers();
    let finish: (report: RecoveryReport) => void = () => undefined;
    let told: (report: RecoveryReport) => void = () => undefined;
    const swept = new Promise<RecoveryReport>((resolve) => {
      told = resolve;
    });
    let runs = 0;
    const loop = createRecoveryLoop({
      sweep: () => {
        runs += 1;
        return new Promise((resolve) => {
          finish = resolve;
        });
      },
      onSwept: (report) => told(report),
      onError: () => undefined,
      timers,
    });
    loop.start();
    loop.start();
    expect(delays()).toEqual([CHECKOUT_RECOVERY_FIRST_RUN_MS]);
    fire();
    expect(runs).toBe(1);
    // While a sweep runs, nothing else is scheduled.
    expect(delays()).toEqual([]);
    finish({ ...empty, paid: 1 });
    expect(await swept).toEqual({ ...empty, paid: 1 });
    expect(delays()).toEqual([CHECKOUT_RECOVERY_INTERVAL_MS]);
    await loop.close();
    expect(delays()).toEqual([]);
    expect(runs).toBe(1);
  });

  it('carries on after a failed sweep and stops, waiting for the sweep in hand, on close', async () => {
    const { timers, delays, fire } = handTimers();
    let failed: (error: unknown) => void = () => undefined;
    const failure = new Promise<unknown>((resolve) => {
      failed = resolve;
    });
    let signal: AbortSignal | undefined;
    let finish: () => void = () => undefined;
    let attempt = 0;
    const loop = createRecoveryLoop({
      sweep: (given) => {
        attempt += 1;
        signal = given;
        if (attempt === 1) return Promise.reject(Object.assign(new Error('x'), { code: 'EX' }));
        return new Promise((resolve) => {
          finish = () => resolve(empty);
        });
      },
      onSwept: () => undefined,
      onError: (error) => failed(error),
      timers,
    });
    loop.start();
    fire();
    expect(await failure).toMatchObject({ code: 'EX' });
    expect(delays()).toEqual([CHECKOUT_RECOVERY_INTERVAL_MS]);
    fire();
    expect(attempt).toBe(2);
    let closed = false;
    const closing = loop.close().then(() => {
      closed = true;
    });
    expect(signal?.aborted).toBe(true);
    await Promise.resolve();
    expect(closed).toBe(false);
    finish();
    await closing;
    expect(closed).toBe(true);
    expect(delays()).toEqual([]);
  });
});
