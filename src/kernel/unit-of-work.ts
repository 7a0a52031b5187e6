/**
 * One update, one transaction: the dedupe on the platform's update key, the use case, the
 * processed_updates row, retries on conflicts a second try fixes, and the one mapping from what
 * happened to an Outcome (stored, refused, duplicate, or not stored because the database failed).
 */
import type { Database, Db, Tx } from '../db/client.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import { retried } from '../db/retry.js';
import { DomainError } from '../domain/errors.js';
import { fitText, MAX_MESSAGE } from '../domain/text.js';
import { t, type Lang } from '../i18n/index.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { alreadyProcessed, markProcessed } from '../messaging/updates.js';
import type { CommandResult } from './context.js';
import { errorText } from './refusals.js';
import type { CoreEvent, Incoming, Outcome, Reply } from './types.js';

const DUPLICATE = Symbol('duplicate');

/** Nothing sent is longer than a platform allows. */
export function fit(reply: Reply, lang: string): Reply {
  return reply.text.length <= MAX_MESSAGE ? reply : { ...reply, text: fitText(reply.text, MAX_MESSAGE, '\n' + t(lang, 'truncated')) };
}

export function refusalOutcome(err: DomainError, lang: Lang, isButton: boolean): Outcome {
  const text = errorText(err, lang);
  return isButton ? { stored: true, replies: [], toast: text, errorCode: err.code } : { stored: true, replies: [{ text }], errorCode: err.code };
}

/** An unexpected failure: nothing was stored; `unavailable` when the database could not be reached. */
export function failureOutcome(err: unknown, lang: Lang, isButton: boolean): Outcome {
  const text = t(lang, 'err.INTERNAL');
  const failure = isDatabaseUnavailable(err) ? 'unavailable' : 'error';
  return isButton ? { stored: false, failure, replies: [], toast: text, errorCode: 'INTERNAL' } : { stored: false, failure, replies: [{ text }], errorCode: 'INTERNAL' };
}

/**
 * The one way anything changes state: `work` in one transaction, run again on a serialization failure,
 * a deadlock or a lost insert race. Chat commands (through UnitOfWork below), web actions, scheduled
 * jobs and the admin CLI all write through this; nothing else opens a transaction.
 */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, logger: Logger = silentLogger): Promise<T> {
  return retried(() => db.transaction(work), (attempt, sqlState) => logger.debug('retrying a transaction', { attempt, sqlState }));
}

/** A savepoint inside the unit of work's transaction: its failure rolls back only `work`. */
export function savepoint<T>(tx: Tx, work: (sp: Tx) => Promise<T>): Promise<T> {
  return tx.transaction(work);
}

export class UnitOfWork {
  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    private readonly notify: (events: CoreEvent[]) => void,
  ) {}

  /** Runs `work` in a transaction, again on a serialization failure, deadlock or lost insert race. */
  inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.database.db, work, this.logger);
  }

  /** Runs one statement (its own transaction) again on a conflict a second try fixes. */
  retry<T>(work: () => Promise<T>): Promise<T> {
    return retried(work, (attempt, sqlState) => this.logger.debug('retrying a statement', { attempt, sqlState }));
  }

  /** Runs one update's use case; listeners hear its events after the commit. */
  async run(incoming: Incoming, now: Date, lang: Lang, isButton: boolean, work: (tx: Tx, events: CoreEvent[]) => Promise<CommandResult>): Promise<Outcome> {
    const { platform, updateKey } = incoming;
    const events: CoreEvent[] = [];
    try {
      const outcome = await this.inTransaction(async (tx) => {
        events.length = 0;
        if (updateKey && (await alreadyProcessed(tx, platform, updateKey))) throw DUPLICATE;
        const out = toOutcome(await work(tx, events), isButton, lang);
        // Another instance handling a second delivery of this update may have recorded it meanwhile: the
        // insert waits for that transaction, finds its row, and this one rolls back (exactly once).
        if (updateKey && !(await markProcessed(tx, platform, updateKey, out.replies, now, incoming.delivery))) throw DUPLICATE;
        return out;
      });
      this.notify(events);
      return outcome;
    } catch (err) {
      if (err === DUPLICATE) return { stored: true, duplicate: true, replies: [] };
      if (err instanceof DomainError) {
        const out = refusalOutcome(err, lang, isButton);
        // A refusal changes nothing but is still "processed": a re-delivery must not answer twice.
        if (updateKey) {
          try {
            if (!(await markProcessed(this.database.db, platform, updateKey, out.replies, now, incoming.delivery))) return { stored: true, duplicate: true, replies: [] };
          } catch (markErr) {
            return this.failed(markErr, incoming, lang, isButton);
          }
        }
        return out;
      }
      return this.failed(err, incoming, lang, isButton);
    }
  }

  failed(err: unknown, incoming: Incoming, lang: Lang, isButton: boolean): Outcome {
    const out = failureOutcome(err, lang, isButton);
    const log = this.logger.child({ platform: incoming.platform, chat: incoming.chat.platformChatId, update: incoming.updateKey });
    log.error('command failed', { err, failure: out.failure, text: incoming.text?.slice(0, 80), button: incoming.button });
    return out;
  }
}

function toOutcome(r: CommandResult, isButton: boolean, lang: Lang): Outcome {
  const out: Outcome = { stored: true, replies: r.reply && !isButton ? [fit(r.reply, lang)] : [] };
  if (isButton) out.toast = r.toast;
  if (r.changedPollIds?.length) out.changedPollIds = r.changedPollIds;
  return out;
}
