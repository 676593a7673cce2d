/**
 * How long ClientService waits before its next attempt, given how many attempts in a row have
 * failed (1 for the first retry). A connection that is lost counts as one failed attempt, so a
 * dropped connection is retried after `policy(1)`.
 */
export type RetryPolicy = (failedAttempts: number) => number;

export interface BackoffPolicyOptions {
  /** Seconds before the first retry, before `factor` is applied (default 1). */
  readonly initialDelay?: number;
  /** The longest wait in seconds, before jitter (default 60). */
  readonly maxDelay?: number;
  /** Each failure multiplies the delay by this (default 1.5). */
  readonly factor?: number;
  /**
   * Seconds added to every delay, so that many clients cut off at once do not all come back at
   * the same instant (default: uniform in [0, 1), as in Twisted). Pass `() => 0` for none.
   */
  readonly jitter?: () => number;
}

/**
 * Exponential backoff with jitter (Twisted's `backoffPolicy`):
 * `min(initialDelay * factor ** attempt, maxDelay) + jitter()`.
 */
export function backoffPolicy(options: BackoffPolicyOptions = {}): RetryPolicy {
  const initialDelay = options.initialDelay ?? 1;
  const maxDelay = options.maxDelay ?? 60;
  const factor = options.factor ?? 1.5;
  const jitter = options.jitter ?? Math.random;
  return (failedAttempts) => {
    // Capping the exponent keeps the product finite (factor ** 1e6 is Infinity, and 0 * Infinity NaN).
    const exponential = initialDelay * factor ** Math.min(failedAttempts, 100);
    const delay = Number.isFinite(exponential) ? Math.min(exponential, maxDelay) : maxDelay;
    return delay + jitter();
  };
}
