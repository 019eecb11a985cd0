import { newId } from '../../../platform/ids.js';
import type { CheckoutDeps } from '../checkout-deps.js';
import type { CheckoutFailure, CheckoutState } from '../checkout-state.js';
import { DONE, type Step } from '../step-runner.js';

/**
 * The subject the order's personal data is sealed under, and its vault writer: the
 * customer, or a fresh pseudonymous `sub_` id for a guest. A guest's data key is made
 * here but written by the order's own transaction (`storeKey`), so a checkout that never
 * commits leaves no key behind and there is nothing to undo.
 */
export function subjectKey(deps: CheckoutDeps): Step<CheckoutState, CheckoutFailure> {
  return {
    name: 'subject-key',
    run: async (state) => {
      const { customerId, form } = state.request;
      if (customerId === null) {
        const subjectId = newId('sub');
        const { writer, store } = await deps.vault.newSubject(subjectId);
        state.subjectId = subjectId;
        state.writer = writer;
        state.storeKey = store;
      } else {
        state.subjectId = customerId;
        state.writer = await deps.vault.writer(customerId);
      }
      // A guest's choices are always recorded, so "off unless ticked" is in the ledger
      // (C1.2). A customer's are recorded only when the form carried the boxes: an earlier
      // choice is not withdrawn by a storefront that did not show them.
      if (customerId === null || form.consents !== undefined) state.consents = form.consents ?? {};
      return DONE;
    },
  };
}
