/**
 * WeChat bans accounts that send too fast ("操作过于频繁"), so every message the adapter sends goes
 * through this queue: one lane per conversation, sends in order, a minimum gap within a lane and a
 * smaller one across lanes, and a failed send is retried (with backoff) before the next one in its lane.
 */
import type { Logger } from '../../src/lib/logger.js';
import { PermanentSendError, RateLimitedError } from '../../src/messaging/port.js';
import { backoff } from '../../src/lib/retry.js';

export interface SendQueueOptions {
  /** Minimum time between two sends to the same conversation. */
  intervalMs: number;
  /** Minimum time between any two sends of this account. */
  globalIntervalMs: number;
  /** Attempts per message before it is given up (the caller's promise rejects). */
  maxAttempts: number;
  /** The first retry waits this long, each further one twice as long, at most a minute (default 1000). */
  retryBaseMs?: number;
  /** Performs one send; returns the platform message id when there is one. */
  send(conversationId: string, text: string): Promise<string | undefined>;
  logger: Logger;
}

interface Job {
  conversationId: string;
  text: string;
  attempts: number;
  resolve(id: string | undefined): void;
  reject(err: unknown): void;
}

/** Lanes are kept after they empty: their lastSentAt still spaces the next send. */
interface Lane {
  jobs: Job[];
  running: boolean;
  lastSentAt: number;
}

export class SendQueueClosedError extends Error {
  constructor() {
    super('the WeChat send queue is stopped');
    this.name = 'SendQueueClosedError';
  }
}

export class SendQueue {
  private readonly lanes = new Map<string, Lane>();
  /** Sends of all lanes take turns: one at a time, starts at least globalIntervalMs apart. */
  private globalTurn: Promise<unknown> = Promise.resolve();
  private lastGlobalStart = 0;
  private closed = false;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: SendQueueOptions) {}

  /** Queues one message; resolves with its message id once it is sent. */
  enqueue(conversationId: string, text: string): Promise<string | undefined> {
    if (this.closed) return Promise.reject(new SendQueueClosedError());
    return new Promise((resolve, reject) => {
      let lane = this.lanes.get(conversationId);
      if (!lane) {
        lane = { jobs: [], running: false, lastSentAt: 0 };
        this.lanes.set(conversationId, lane);
      }
      lane.jobs.push({ conversationId, text, attempts: 0, resolve, reject });
      if (!lane.running) void this.run(lane);
    });
  }

  /** Number of messages not yet sent. */
  get pending(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.jobs.length;
    return n;
  }

  /** Resolves when every queued message has been sent or given up. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking messages; waits up to `drainMs` for the queued ones, then gives up the rest (their
   * promises reject) and clears every timer so the process can exit.
   */
  async close(drainMs: number): Promise<void> {
    this.closed = true;
    if (this.pending > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.idle(), new Promise<void>((r) => { timer = setTimeout(r, drainMs); })]);
      clearTimeout(timer);
    }
    for (const lane of this.lanes.values()) {
      for (const job of lane.jobs.splice(0)) job.reject(new SendQueueClosedError());
    }
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    this.notifyIdle();
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => { this.timers.delete(entry); resolve(); }, ms), resolve };
      this.timers.add(entry);
    });
  }

  private inGlobalTurn<T>(fn: () => Promise<T>): Promise<T> {
    const turn = this.globalTurn.then(async () => {
      await this.sleep(this.lastGlobalStart + this.opts.globalIntervalMs - Date.now());
      this.lastGlobalStart = Date.now();
      try {
        return await fn();
      } catch (err) {
        // "Too frequent" is about the whole account: every lane pauses, not only this one. Set before
        // the turn ends, so the next turn already waits.
        if (err instanceof RateLimitedError) {
          this.lastGlobalStart = Math.max(this.lastGlobalStart, Date.now() + err.retryAfterMs - this.opts.globalIntervalMs);
        }
        throw err;
      }
    });
    this.globalTurn = turn.catch(() => undefined);
    return turn;
  }

  private async run(lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.jobs.length > 0) {
        const job = lane.jobs[0]!;
        await this.sleep(lane.lastSentAt + this.opts.intervalMs - Date.now());
        if (lane.jobs[0] !== job) continue; // given up by close()
        try {
          const sent = await this.inGlobalTurn(async () => {
            if (lane.jobs[0] !== job) return { skipped: true as const };
            job.attempts += 1;
            return { skipped: false as const, id: await this.opts.send(job.conversationId, job.text) };
          });
          if (sent.skipped) continue;
          lane.lastSentAt = Date.now();
          lane.jobs.shift();
          job.resolve(sent.id);
        } catch (err) {
          lane.lastSentAt = Date.now();
          const permanent = err instanceof PermanentSendError;
          if (permanent || job.attempts >= this.opts.maxAttempts || this.closed) {
            this.opts.logger.error('wechat send failed, giving up', { conversationId: job.conversationId, attempts: job.attempts, err });
            lane.jobs.shift();
            job.reject(err);
          } else {
            const waitMs = err instanceof RateLimitedError ? err.retryAfterMs : backoff(this.opts.retryBaseMs ?? 1000, 60_000)(job.attempts);
            this.opts.logger.warn('wechat send failed, will retry', { conversationId: job.conversationId, attempts: job.attempts, backoffMs: waitMs, err });
            await this.sleep(waitMs);
          }
        }
      }
    } finally {
      lane.running = false;
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
