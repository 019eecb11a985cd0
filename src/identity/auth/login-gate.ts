import type { Clock } from '../../platform/clock.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import type { Category } from '../../privacy/inventory/index.js';
import type { LoginThrottle, ThrottleEntry } from '../throttle/index.js';

/** What a throttled attempt is recorded with. */
export interface GateFacts {
  readonly requestId: string | null;
  readonly categories: readonly Category[];
}

/**
 * Lets a login attempt through unless its account or address is throttled; a refused
 * attempt is audited (security monitoring counts them, C2.4) before LOGIN_THROTTLED.
 */
export async function passLoginGate(
  deps: { throttle: LoginThrottle; audit: AuditSink; clock: Clock },
  keys: readonly ThrottleEntry[],
  facts: GateFacts,
): Promise<void> {
  try {
    await deps.throttle.assertAllowed(keys);
  } catch (error) {
    await deps.audit.record([
      {
        occurredAt: deps.clock.now(),
        actorId: 'anonymous',
        actorRole: 'anonymous',
        action: 'session.create',
        purpose: 'account',
        subjectId: null,
        categories: facts.categories,
        decision: 'deny',
        requestId: facts.requestId,
        outcome: 'denied',
        detail: { code: 'LOGIN_THROTTLED' },
      },
    ]);
    throw error;
  }
}
