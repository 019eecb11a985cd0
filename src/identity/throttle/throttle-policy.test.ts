// The policy arithmetic on its own, and the error a route turns a refusal into.
import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_LOGIN_POLICY,
  IP_LOGIN_POLICY,
  loginThrottled,
  STAFF_LOGIN_POLICY,
  throttleErrors,
} from './index.js';
import { lockAfterFailure } from './throttle-policy.js';

describe('throttle policies', () => {
  it('match the issue: staff lockout 10/30 min, customer backoff 5 free, address 50/15 min', () => {
    expect(STAFF_LOGIN_POLICY).toEqual({ kind: 'lockout', maxFailures: 10, lockMs: 1_800_000 });
    expect(CUSTOMER_LOGIN_POLICY).toEqual({
      kind: 'backoff',
      freeFailures: 5,
      baseDelayMs: 1000,
      maxDelayMs: 900_000,
    });
    expect(IP_LOGIN_POLICY).toEqual({ kind: 'window', maxFailures: 50, windowMs: 900_000 });
  });

  it('never overflows the backoff delay however long the run', () => {
    expect(lockAfterFailure(CUSTOMER_LOGIN_POLICY, 10_000, 0, 5)).toBe(900_005);
  });

  it('maps a refusal onto LOGIN_THROTTLED (429) with Retry-After', () => {
    const error = loginThrottled(42);
    expect(error.code).toBe('LOGIN_THROTTLED');
    expect(error.status).toBe(429);
    expect(error.headers).toEqual({ 'Retry-After': '42' });
    expect(error.details).toEqual({ retryAfterSeconds: 42 });
    expect(throttleErrors.LOGIN_THROTTLED.status).toBe(429);
  });
});
