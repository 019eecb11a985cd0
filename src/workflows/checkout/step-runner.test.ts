// The step runner: steps run in order; on a failure or an error the finished steps are
// undone in reverse, a failing undo does not stop the others, and the first problem wins.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DONE, runSteps, type Step } from './step-runner.js';

const logger = pino({ level: 'silent' });

function recorder() {
  const log: string[] = [];
  const step = (
    name: string,
    behaviour: 'ok' | 'fail' | 'throw' = 'ok',
    undo: 'ok' | 'throw' | 'none' = 'ok',
  ): Step<string[], string> => ({
    name,
    run: async () => {
      log.push(`run ${name}`);
      if (behaviour === 'throw') throw new Error(`${name} broke`);
      return behaviour === 'fail' ? { ok: false, failure: `${name} failed` } : DONE;
    },
    ...(undo === 'none'
      ? {}
      : {
          undo: async () => {
            log.push(`undo ${name}`);
            if (undo === 'throw') throw new Error(`undo ${name} broke`);
          },
        }),
  });
  return { log, step };
}

describe('runSteps', () => {
  it('runs every step in order and undoes nothing when all succeed', async () => {
    const { log, step } = recorder();
    expect(await runSteps([step('a'), step('b')], [], logger)).toEqual({ ok: true });
    expect(log).toEqual(['run a', 'run b']);
  });

  it('undoes the finished steps in reverse on an expected failure, not the failing one', async () => {
    const { log, step } = recorder();
    const outcome = await runSteps(
      [step('a'), step('b'), step('c', 'fail'), step('d')],
      [],
      logger,
    );
    expect(outcome).toEqual({ ok: false, failure: 'c failed' });
    expect(log).toEqual(['run a', 'run b', 'run c', 'undo b', 'undo a']);
  });

  it('undoes in reverse and rethrows on an error', async () => {
    const { log, step } = recorder();
    await expect(
      runSteps([step('a'), step('b', 'ok', 'none'), step('c', 'throw')], [], logger),
    ).rejects.toThrow('c broke');
    expect(log).toEqual(['run a', 'run b', 'run c', 'undo a']);
  });

  it('keeps undoing when an undo fails, and reports the original problem', async () => {
    const { log, step } = recorder();
    const outcome = await runSteps(
      [step('a'), step('b', 'ok', 'throw'), step('c', 'fail')],
      [],
      logger,
    );
    expect(outcome).toEqual({ ok: false, failure: 'c failed' });
    expect(log).toEqual(['run a', 'run b', 'run c', 'undo b', 'undo a']);
  });
});
