import { newId } from '../../../platform/ids.js';
import type { CheckoutDeps } from '../checkout-deps.js';
import type { CheckoutFailure, CheckoutState } from '../checkout-state.js';
import { DONE, type Step } from '../step-runner.js';

/**
 * The subject the order's personal data is sealed under: the customer, or a fresh
 * pseudonymous `sub_` id for a guest, and its vault writer, fetched before the
 * transaction (the data key commits on its own). Undo, for a guest whose order never
 * committed: the new key sealed nothing, so it is shredded rather than left behind.
 */
export function subjectKey(deps: CheckoutDeps): Step<CheckoutState, CheckoutFailure> {
  return {
    name: 'subject-key',
    run: async (state) => {
      const { customerId, form } = state.request;
      const subjectId = customerId ?? newId('sub');
      state.subjectId = subjectId;
      state.writer = await deps.vault.writer(subjectId);
      // A guest's choices are always recorded, so "off unless ticked" is in the ledger
      // (C1.2). A customer's are recorded only when the form carried the boxes: an earlier
      // choice is not withdrawn by a storefront that did not show them.
      if (customerId === null || form.consents !== undefined) state.consents = form.consents ?? {};
      return DONE;
    },
    undo: async (state) => {
      if (state.request.customerId !== null || state.committed || state.subjectId === undefined) {
        return;
      }
      await deps.shredder.shred(state.subjectId);
    },
  };
}
