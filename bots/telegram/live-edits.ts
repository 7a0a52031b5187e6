/**
 * Live counts on ballot messages: many presses on one poll become at most one editMessageText every
 * `intervalMs` (a trailing edit that shows the latest counts), so a busy vote stays within the
 * group's message budget.
 */
import type { Api } from 'grammy';
import type { Core, Reply } from '../../src/kernel/types.js';
import type { Logger } from '../../src/lib/logger.js';
import { describe, isNotModified } from './errors.js';
import { inlineKeyboard, safeText } from './render.js';

interface PollState {
  lastEditAt: number;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  /** A touch arrived while an edit was running: edit once more afterwards. */
  again?: boolean;
  /** Forgets the poll once `intervalMs` has passed since its last edit (until then lastEditAt holds the next one back). */
  expiry?: NodeJS.Timeout;
}

export class LiveEdits {
  private readonly polls = new Map<number, PollState>();
  private stopped = false;

  constructor(
    private readonly deps: { api: Api; core: Core; logger: Logger },
    private readonly intervalMs = 3000,
  ) {}

  /** Counts of these polls changed: schedule their (coalesced) edits. */
  touch(pollIds: readonly number[] | undefined): void {
    if (this.stopped) return;
    for (const id of pollIds ?? []) this.schedule(id);
  }

  private schedule(pollId: number): void {
    const st = this.polls.get(pollId) ?? { lastEditAt: 0 };
    this.polls.set(pollId, st);
    if (st.expiry) {
      clearTimeout(st.expiry);
      st.expiry = undefined;
    }
    if (st.timer) return;
    if (st.running) {
      st.again = true;
      return;
    }
    st.timer = setTimeout(() => {
      st.timer = undefined;
      void this.run(pollId, st);
    }, this.heldMs(st));
  }

  /** How long the poll's next edit still waits for the interval since its last one. */
  private heldMs(st: PollState): number {
    return Math.max(0, st.lastEditAt + this.intervalMs - Date.now());
  }

  private async run(pollId: number, st: PollState): Promise<void> {
    st.lastEditAt = Date.now();
    st.running = this.edit(pollId).finally(() => {
      st.running = undefined;
      if (st.again && !this.stopped) {
        st.again = false;
        this.schedule(pollId);
      } else if (!st.timer) {
        // Kept for the rest of the interval: a touch right after this edit waits for it, as any other.
        // A touch clears the expiry (schedule) and so does flush, so when it fires the poll is idle.
        st.expiry = setTimeout(() => this.polls.delete(pollId), this.heldMs(st));
        st.expiry.unref();
      }
    });
    await st.running;
  }

  private async edit(pollId: number): Promise<void> {
    const log = this.deps.logger.child({ pollId });
    try {
      // Its ballot in every Telegram chat of the community it was posted to (each its own chat's budget).
      const messages = (await this.deps.core.query.pollMessages(pollId)).filter((m) => m.platform === 'telegram');
      if (!messages.length) return;
      const view = await this.deps.core.ballotView(pollId);
      if (!view) return;
      await Promise.all(messages.map((m) => this.editOne(log, m.platformChatId, m.messageId, view)));
    } catch (err) {
      log.warn('live edit failed', describe(err));
    }
  }

  private async editOne(log: Logger, chatId: string, messageId: string, view: Reply): Promise<void> {
    try {
      await this.deps.api.editMessageText(chatId, Number(messageId), safeText(view.text), {
        reply_markup: inlineKeyboard(view.buttons, (b) => log.error('button data too long, left out', { data: b.data })),
      });
    } catch (err) {
      if (isNotModified(err)) log.debug('live edit: nothing new', { chatId });
      else log.warn('live edit failed', { chatId, ...describe(err) });
    }
  }

  /** Runs every pending edit now (best effort) and refuses new ones: for shutdown. */
  async flush(): Promise<void> {
    this.stopped = true;
    const work: Promise<void>[] = [];
    for (const [id, st] of this.polls) {
      if (st.expiry) clearTimeout(st.expiry);
      if (st.timer) {
        clearTimeout(st.timer);
        st.timer = undefined;
        work.push(this.edit(id));
      } else if (st.running) {
        work.push(st.running.then(() => (st.again ? this.edit(id) : undefined)));
      }
    }
    await Promise.allSettled(work);
    this.polls.clear();
  }
}
