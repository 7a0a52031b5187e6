/** Trying again after a failure: one loop, one back-off rule and one abortable sleep for every caller. */

/** A sleep that ends early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential back-off: `baseMs` after the first failure, doubling after each further one, at most `maxMs`. */
export const backoff =
  (baseMs: number, maxMs = Number.POSITIVE_INFINITY) =>
  (failures: number): number =>
    Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));

export interface RetryOptions {
  /** Tries in all, the first included (default: no limit). */
  attempts?: number;
  /** The wait after the `failures`-th failure, before the next try. */
  delayMs: (failures: number, err: unknown) => number;
  /** Whether this failure may be tried again (default: any). */
  retryable?: (err: unknown) => boolean;
  /** Told before each wait (for a log line). */
  onRetry?: (err: unknown, failures: number, waitMs: number) => void;
  /** Ends a wait early and stops trying: the last error is thrown. */
  signal?: AbortSignal;
}

/**
 * Runs `work` (told which try this is, from 1) until it resolves; a failure is tried again after
 * `delayMs` unless it is not retryable, the tries are used up or `signal` aborted, and then thrown.
 */
export async function retry<T>(work: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      const spent = opts.attempts !== undefined && attempt >= opts.attempts;
      if (spent || opts.signal?.aborted || (opts.retryable && !opts.retryable(err))) throw err;
      const waitMs = opts.delayMs(attempt, err);
      opts.onRetry?.(err, attempt, waitMs);
      await sleep(waitMs, opts.signal);
      if (opts.signal?.aborted) throw err;
    }
  }
}
