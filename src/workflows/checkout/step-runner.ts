import type { Logger } from '../../platform/logging/index.js';

/** How a step ended: done, or an expected failure that stops the workflow (a declined card). */
export type StepOutcome<F> = { readonly ok: true } | { readonly ok: false; readonly failure: F };

/**
 * One step of a workflow. `run` does the work and records what it did in the state;
 * `undo` reverses it when a later step fails. A step that fails leaves nothing behind
 * itself (a rolled-back transaction, a refused authorisation), so only finished steps are
 * undone.
 */
export interface Step<S, F> {
  readonly name: string;
  run(state: S): Promise<StepOutcome<F>>;
  undo?(state: S): Promise<void>;
}

/** The step that succeeded: a shorthand for `run`. */
export const DONE = { ok: true } as const;

/** A workflow's end: every step ran, or the failure that stopped it (after the undos). */
export type WorkflowOutcome<F> = StepOutcome<F>;

/**
 * Runs steps in order. On an expected failure or a thrown error the finished steps are
 * undone in reverse order, then the failure is returned or the error rethrown. An undo
 * that fails is logged and the others still run: the first problem is the one reported.
 */
export async function runSteps<S, F>(
  steps: readonly Step<S, F>[],
  state: S,
  logger: Logger,
): Promise<WorkflowOutcome<F>> {
  const done: Step<S, F>[] = [];
  const undoAll = async () => {
    for (const step of done.reverse()) {
      if (step.undo === undefined) continue;
      try {
        await step.undo(state);
      } catch (error) {
        logger.error({ err: error, step: step.name }, 'workflow undo failed');
      }
    }
  };
  for (const step of steps) {
    let outcome: StepOutcome<F>;
    try {
      outcome = await step.run(state);
    } catch (error) {
      await undoAll();
      throw error;
    }
    if (!outcome.ok) {
      await undoAll();
      return outcome;
    }
    done.push(step);
  }
  return DONE;
}
