/** The one retry loop and back-off rule (src/retry.ts). */
import { describe, expect, it } from 'vitest';
import { backoff, retry } from '../../src/lib/retry.js';

describe('retry', () => {
  it('doubles the wait from the base after each failure, up to the maximum', () => {
    const wait = backoff(500, 3000);
    expect([1, 2, 3, 4, 5].map(wait)).toEqual([500, 1000, 2000, 3000, 3000]);
  });

  it('tries again until the work succeeds, telling it which try this is', async () => {
    const seen: number[] = [];
    const retried: number[] = [];
    const r = await retry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new Error('not yet');
        return 'done';
      },
      { delayMs: () => 1, onRetry: (_err, failures) => retried.push(failures) },
    );
    expect(r).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
    expect(retried).toEqual([1, 2]);
  });

  it('throws the last error when the tries are used up or the failure is not retryable', async () => {
    let calls = 0;
    await expect(retry(async () => { calls++; throw new Error(`fail ${calls}`); }, { attempts: 3, delayMs: () => 1 })).rejects.toThrow('fail 3');
    calls = 0;
    await expect(retry(async () => { calls++; throw new Error('fatal'); }, { delayMs: () => 1, retryable: () => false })).rejects.toThrow('fatal');
    expect(calls).toBe(1);
  });

  it('stops waiting and trying once its signal aborts', async () => {
    const abort = new AbortController();
    let calls = 0;
    const started = Date.now();
    const p = retry(async () => { calls++; throw new Error('down'); }, { delayMs: () => 60_000, signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    await expect(p).rejects.toThrow('down');
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
