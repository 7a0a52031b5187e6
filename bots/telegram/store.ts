/**
 * core.handle with the adapter's exactly-once rule: an update counts as handled only when the core
 * stored it (Outcome.stored). An outcome not stored is thrown, and the update stays unacknowledged and
 * is retried: for as long as the database is unavailable; when it answers and the core still fails the
 * same update several times (a bug, not an outage), the INTERNAL reply is sent, so one poisoned update
 * cannot hold its chat forever.
 */
import type { Core, Incoming, Outcome } from '../../src/kernel/types.js';
import type { Logger } from '../../src/lib/logger.js';

export const GIVE_UP_AFTER = 3;

export class NotStoredError extends Error {
  constructor(readonly updateId: number, readonly attempts: number) {
    super(`update ${updateId} not stored (attempt ${attempts})`);
    this.name = 'NotStoredError';
  }
}

export interface StoreEnv {
  core: Core;
  logger: Logger;
}

export class UpdateStore {
  private readonly attempts = new Map<number, number>();

  constructor(private readonly env: StoreEnv) {}

  async handle(updateId: number, inc: Incoming): Promise<Outcome> {
    const outcome = await this.env.core.handle(inc);
    if (outcome.stored) {
      this.attempts.delete(updateId);
      return outcome;
    }
    const n = (this.attempts.get(updateId) ?? 0) + 1;
    this.attempts.set(updateId, n);
    if (n < GIVE_UP_AFTER || outcome.failure === 'unavailable') throw new NotStoredError(updateId, n);
    this.attempts.delete(updateId);
    this.env.logger.error('the core keeps failing this update while the database answers; replying with the error', { updateId, attempts: n });
    return outcome;
  }
}
