const MINUTE = 60_000;

/** Staff accounts: after `maxFailures` failures in a row, no attempt for `lockMs`. */
export interface LockoutPolicy {
  readonly kind: 'lockout';
  readonly maxFailures: number;
  readonly lockMs: number;
}

/**
 * Customer accounts: `freeFailures` cost nothing, then each failure imposes a wait that
 * starts at `baseDelayMs` and doubles up to `maxDelayMs`. Unlike a lockout, an attacker
 * cannot lock a customer out of their own account for long.
 */
export interface BackoffPolicy {
  readonly kind: 'backoff';
  readonly freeFailures: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Quiet time after which the run of failures is forgotten; 24 hours when absent. */
  readonly forgetAfterMs?: number;
}

/** Client addresses: at most `maxFailures` failures per fixed window of `windowMs`. */
export interface WindowPolicy {
  readonly kind: 'window';
  readonly maxFailures: number;
  readonly windowMs: number;
}

/** How failures against one key are limited. */
export type ThrottlePolicy = LockoutPolicy | BackoffPolicy | WindowPolicy;

/** Staff accounts: locked for 30 minutes after 10 failures in a row (ASVS 2.2.1). */
export const STAFF_LOGIN_POLICY: LockoutPolicy = Object.freeze({
  kind: 'lockout',
  maxFailures: 10,
  lockMs: 30 * MINUTE,
});

/** Customer accounts: 5 free failures, then waits from 1 second doubling up to 15 minutes. */
export const CUSTOMER_LOGIN_POLICY: BackoffPolicy = Object.freeze({
  kind: 'backoff',
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * MINUTE,
});

/** Client addresses: 50 failures per 15-minute window, whichever accounts they try. */
export const IP_LOGIN_POLICY: WindowPolicy = Object.freeze({
  kind: 'window',
  maxFailures: 50,
  windowMs: 15 * MINUTE,
});

/** Rows idle this long are swept; no policy may need to remember longer. */
export const THROTTLE_MEMORY_MS = 7 * 24 * 60 * MINUTE;

const DEFAULT_FORGET_MS = 24 * 60 * MINUTE;

/** When a run of failures is over and the next failure starts a new one. */
export type Forgetting =
  /** A fixed window: the run ends `ms` after its first failure. */
  | { readonly since: 'first_failure_at'; readonly ms: number; readonly orLockExpired: false }
  /** After quiet time, or (lockout) as soon as the lock has run out. */
  | { readonly since: 'last_failure_at'; readonly ms: number; readonly orLockExpired: boolean };

function requireCount(value: number, name: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`Throttle policy ${name} must be an integer of at least ${min}`);
  }
}

function requireDuration(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > THROTTLE_MEMORY_MS) {
    throw new RangeError(`Throttle policy ${name} must be 1 ms to 7 days`);
  }
}

/** Throws RangeError for a policy that cannot work (a configuration bug). */
export function assertValidPolicy(policy: ThrottlePolicy): void {
  switch (policy.kind) {
    case 'lockout':
      requireCount(policy.maxFailures, 'maxFailures', 1);
      requireDuration(policy.lockMs, 'lockMs');
      return;
    case 'backoff':
      requireCount(policy.freeFailures, 'freeFailures', 0);
      requireDuration(policy.baseDelayMs, 'baseDelayMs');
      requireDuration(policy.maxDelayMs, 'maxDelayMs');
      requireDuration(policy.forgetAfterMs ?? DEFAULT_FORGET_MS, 'forgetAfterMs');
      if (policy.maxDelayMs < policy.baseDelayMs) {
        throw new RangeError('Throttle policy maxDelayMs must not be below baseDelayMs');
      }
      return;
    case 'window':
      requireCount(policy.maxFailures, 'maxFailures', 1);
      requireDuration(policy.windowMs, 'windowMs');
      return;
  }
}

/** When the policy forgets a run of failures. */
export function forgettingOf(policy: ThrottlePolicy): Forgetting {
  switch (policy.kind) {
    case 'lockout':
      return { since: 'last_failure_at', ms: policy.lockMs, orLockExpired: true };
    case 'backoff':
      return {
        since: 'last_failure_at',
        ms: policy.forgetAfterMs ?? DEFAULT_FORGET_MS,
        orLockExpired: false,
      };
    case 'window':
      return { since: 'first_failure_at', ms: policy.windowMs, orLockExpired: false };
  }
}

/**
 * The time (epoch ms) before which no attempt is allowed, after the `failures`-th failure
 * of a run that started at `firstAt`, recorded at `now`; null when none is needed.
 */
export function lockAfterFailure(
  policy: ThrottlePolicy,
  failures: number,
  firstAt: number,
  now: number,
): number | null {
  switch (policy.kind) {
    case 'lockout':
      return failures >= policy.maxFailures ? now + policy.lockMs : null;
    case 'backoff': {
      const beyond = failures - policy.freeFailures;
      if (beyond <= 0) return null;
      // 2^(beyond-1) overflows nothing until well past any cap; clamp the exponent anyway.
      const delay = policy.baseDelayMs * 2 ** Math.min(beyond - 1, 40);
      return now + Math.min(delay, policy.maxDelayMs);
    }
    case 'window':
      return failures >= policy.maxFailures ? firstAt + policy.windowMs : null;
  }
}
