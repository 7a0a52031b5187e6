/**
 * Answering within WeChat's 5 seconds, once. One message's work runs once per instance however often
 * WeChat delivers it; when it is done, its answer is claimed once across instances (processed_updates,
 * src/messaging/reply-claims.ts) and goes either as the passive reply of the newest request still
 * waiting (WeChat has given up on older ones) or, when none waits any more, as customer-service messages.
 */
import type { Db } from '../../src/db/client.js';
import { t } from '../../src/i18n/index.js';
import type { Reply } from '../../src/kernel/types.js';
import { KeyedSerializer } from '../../src/lib/keyed-serializer.js';
import type { Logger } from '../../src/lib/logger.js';
import { claimReplies } from '../../src/messaging/reply-claims.js';
import { MP } from '../../src/people/mp-followers.js';

/** What the work produced: replies kept with the update's processed row (claimed before sending), or said as they are. */
export interface Answer {
  replies: Reply[];
  /** True when the replies were kept in processed_updates (or the update was a duplicate): claim them first. */
  kept: boolean;
}

type Waiter = (replies: Reply[] | null) => void;

interface Entry {
  waiters: Waiter[];
}

export class Answers {
  private readonly inflight = new Map<string, Entry>();
  private readonly running = new Set<Promise<void>>();
  private readonly later = new KeyedSerializer();

  constructor(
    private readonly opts: {
      db: Db;
      logger: Logger;
      /** How long a request waits for its answer before saying `success` (WeChat waits 5 s; default 4.5 s). */
      deadlineMs: number;
      /** Sends replies as customer-service messages. */
      send(openid: string, replies: Reply[]): Promise<void>;
      now(): Date;
    },
  ) {}

  /**
   * The passive replies for this request (null: answer `success`). `work` runs once for all deliveries of
   * `key` reaching this instance; a request whose client went away (`signal`) no longer waits.
   */
  answer(key: string, openid: string, work: () => Promise<Answer>, signal?: AbortSignal): Promise<Reply[] | null> {
    let entry = this.inflight.get(key);
    if (!entry) {
      entry = { waiters: [] };
      this.inflight.set(key, entry);
      const run = this.run(key, openid, entry, work);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
    // A new delivery means WeChat gave up on the earlier ones: they are let go now.
    for (const w of entry.waiters.splice(0)) w(null);
    const e = entry;
    return new Promise((resolve) => {
      const done: Waiter = (r) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', gone);
        const i = e.waiters.indexOf(done);
        if (i >= 0) e.waiters.splice(i, 1);
        resolve(r);
      };
      const gone = () => done(null);
      const timer = setTimeout(gone, this.opts.deadlineMs);
      signal?.addEventListener('abort', gone, { once: true });
      e.waiters.push(done);
    });
  }

  private async run(key: string, openid: string, entry: Entry, work: () => Promise<Answer>): Promise<void> {
    let answer: Answer;
    try {
      answer = await work();
    } catch (err) {
      this.opts.logger.error('wechat-mp: a message was not handled', { key, err });
      answer = { replies: [{ text: t(undefined, 'err.INTERNAL') }], kept: false };
    }
    let replies: Reply[] | undefined = answer.replies;
    if (answer.kept) {
      try {
        replies = await claimReplies(this.opts.db, MP, key, this.opts.now());
      } catch (err) {
        this.opts.logger.error('wechat-mp: could not claim an answer', { key, err });
        replies = undefined;
      }
    }
    this.inflight.delete(key);
    const waiter = entry.waiters.pop();
    for (const w of entry.waiters.splice(0)) w(null);
    if (!replies?.length) return waiter?.(null);
    if (waiter) return waiter(replies);
    await this.sendLater(openid, replies);
  }

  /** Replies by customer-service messages, in order per follower. */
  sendLater(openid: string, replies: Reply[]): Promise<void> {
    const p = this.later.run(openid, () => this.opts.send(openid, replies)).catch((err) => this.opts.logger.warn('wechat-mp: an answer could not be sent', { err }));
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}
