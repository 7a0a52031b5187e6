/** Running a transaction again when Postgres says a retry can fix it: the database layer's retry rule, on the one retry loop (src/retry.ts). */
import { retry } from '../lib/retry.js';
import { isPgRetryable, isPgUniqueViolation, sqlState } from './errors.js';

/**
 * Runs `work` (a transaction or one statement) again on a serialization failure, a deadlock or a lost
 * insert race (a unique violation: the second try finds the row the winner inserted), after a short
 * random back-off; any other error, or the tenth failure, is thrown.
 */
export function retried<T>(work: () => Promise<T>, onRetry?: (attempt: number, sqlState: string | undefined) => void): Promise<T> {
  return retry(() => work(), {
    attempts: 10,
    retryable: (err) => isPgRetryable(err) || isPgUniqueViolation(err),
    delayMs: (failures) => Math.random() * 10 * failures,
    onRetry: (err, failures) => onRetry?.(failures, sqlState(err)),
  });
}
