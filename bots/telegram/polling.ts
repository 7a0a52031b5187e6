/**
 * Long polling that acknowledges an update only after it committed.
 *
 * grammY's bot.start() advances its offset past an update whose middleware threw (after bot.catch),
 * and @grammyjs/runner acknowledges updates when it fetches them, so neither keeps an update that a
 * database outage could not store. This loop calls getUpdates with the offset of the first update
 * not yet committed: a batch runs concurrently across chats and in order within a chat, a failed
 * update is retried with backoff until it commits (or the bot stops), and the offset then moves
 * past the committed prefix of the batch only.
 */
import { Api, GrammyError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../src/lib/logger.js';
import { backoff, retry, sleep } from '../../src/lib/retry.js';
import { describe } from './errors.js';
import { chatKeyOf, runUpdate } from './updates.js';

export interface PollingOptions {
  /** Long-poll timeout in seconds (Telegram holds the request open this long). */
  timeoutSeconds?: number;
  limit?: number;
  allowedUpdates?: ReadonlyArray<string>;
  /** First and largest wait between retries of an update that failed. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class Poller {
  private running = false;
  private abort = new AbortController();
  private loopDone?: Promise<void>;
  /** The first update_id not yet committed: what getUpdates is called with. */
  offset = 0;
  private confirmedOffset = 0;

  constructor(
    private readonly bot: Bot,
    /** An Api without retrying transformers: this loop decides when to retry getUpdates. */
    private readonly pollApi: Api,
    private readonly logger: Logger,
    private readonly opts: PollingOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.loopDone = this.loop().catch((err) => {
      this.logger.error('telegram polling stopped by an error', describe(err));
    });
  }

  /** Stops fetching, lets in-flight updates finish, and confirms the committed offset to Telegram. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    await this.loopDone;
    if (this.offset > this.confirmedOffset) {
      try {
        await this.pollApi.getUpdates({ offset: this.offset, limit: 1, timeout: 0 });
        this.confirmedOffset = this.offset;
      } catch (err) {
        // Harmless: the next start fetches them again and the core skips what it already stored.
        this.logger.warn('could not confirm the last updates on stop', describe(err));
      }
    }
  }

  private async loop(): Promise<void> {
    let allowed: ReadonlyArray<string> | undefined = this.opts.allowedUpdates;
    let failures = 0;
    const pause = backoff(1000, 30000);
    while (this.running) {
      let updates: Update[];
      try {
        const offset = this.offset;
        updates = await this.pollApi.getUpdates(
          { offset, limit: this.opts.limit ?? 100, timeout: this.opts.timeoutSeconds ?? 30, allowed_updates: allowed as never },
          // grammY types its signal with the abort-controller shim; Node's is the same at runtime.
          this.abort.signal as never,
        );
        this.confirmedOffset = offset;
        allowed = undefined; // Telegram keeps the last allowed_updates
        failures = 0;
      } catch (err) {
        if (!this.running) break;
        if (err instanceof GrammyError && err.error_code === 409) {
          // Long polling is one instance only; looping would make two pollers take updates from each other.
          this.running = false;
          this.logger.error(
            `telegram long polling stopped: ${err.description} (409). Only one instance may poll a bot token; run several instances in webhook mode (TELEGRAM_WEBHOOK_URL) instead`,
          );
          break;
        }
        const wait = err instanceof GrammyError && err.error_code === 429 ? (err.parameters.retry_after ?? 3) * 1000 : pause(++failures);
        const level = err instanceof GrammyError && err.error_code === 401 ? 'error' : 'warn';
        this.logger[level]('getUpdates failed, retrying', { waitMs: wait, ...describe(err) });
        await sleep(wait, this.abort.signal);
        continue;
      }
      if (updates.length) await this.runBatch(updates);
    }
  }

  private async runBatch(updates: Update[]): Promise<void> {
    const byChat = new Map<string, Update[]>();
    for (const u of updates) {
      const key = chatKeyOf(u);
      byChat.set(key, [...(byChat.get(key) ?? []), u]);
    }
    const committed = new Set<number>();
    await Promise.all(
      [...byChat.values()].map(async (list) => {
        for (const u of list) {
          if (!(await this.runUntilCommitted(u))) return; // stopping: keep this chat's order
          committed.add(u.update_id);
        }
      }),
    );
    for (const u of updates) {
      if (!committed.has(u.update_id)) break;
      this.offset = u.update_id + 1;
    }
  }

  /** True once the update committed; false if the bot stopped before it could. */
  private async runUntilCommitted(u: Update): Promise<boolean> {
    // Updates of the batch not yet started when stopping stay unacknowledged for the next start.
    if (!this.running) return false;
    try {
      await retry((attempt) => runUpdate(this.bot, u, this.logger, attempt - 1), {
        delayMs: backoff(this.opts.retryBaseMs ?? 500, this.opts.retryMaxMs ?? 30000),
        retryable: () => this.running,
        signal: this.abort.signal,
      });
      return true;
    } catch {
      return false;
    }
  }
}
