/** How long a failed job waits before its next attempt. */
export interface BackoffPolicy {
  /** Wait after the first failure, in ms (1 s). */
  readonly baseMs: number;
  /** Longest wait, in ms (1 h). */
  readonly maxMs: number;
}

/** The default policy: 1 s, 2 s, 4 s … capped at one hour. */
export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 1_000, maxMs: 3_600_000 });

/**
 * The wait after failed attempt number `attempts` (1 after the first): exponential, with
 * "equal jitter" (half fixed, half random), so that jobs failing together, such as all
 * mail while the server is down, do not all retry in the same instant. `random` returns
 * [0, 1); tests pass a fixed one.
 */
export function backoffDelay(
  attempts: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.max(1, Math.round(ceiling / 2 + (ceiling / 2) * random()));
}
