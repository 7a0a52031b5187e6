/**
 * Telegram's sending limits, kept per chat: each chat has its own queue and budget (one message a
 * second to a chat, 20 a minute to a group, the wait a 429 asked for), and only the overall budget
 * (30 messages a second) is shared. A busy group therefore waits on its own budget alone: other
 * groups, private chats and answerCallbackQuery (which is not a message and is never paced) go on.
 */
import type { Transformer } from 'grammy';
import { sleep } from '../../src/lib/retry.js';

export interface PacerOptions {
  /** Shortest time between two sends to one chat (default 1000 ms). */
  perChatMs?: number;
  /** Most sends to one group in a minute (default 20; edits count too). */
  groupPerMinute?: number;
  /** Most sends overall in a second (default 30). */
  globalPerSecond?: number;
}

/** Methods that post or change a message in a chat: they spend the chat's budget. */
const PACED = new Set([
  'sendMessage', 'sendPhoto', 'sendDocument', 'sendMediaGroup', 'sendAnimation', 'sendVideo', 'sendAudio', 'sendVoice',
  'sendSticker', 'sendPoll', 'sendLocation', 'sendContact', 'copyMessage', 'forwardMessage',
  'editMessageText', 'editMessageReplyMarkup', 'editMessageCaption', 'editMessageMedia',
]);

const MINUTE = 60_000;

interface Budget {
  /** Start times of the sends of the last minute, oldest first. */
  sent: number[];
  blockedUntil: number;
  /** The end of the chat's queue: each send starts after the one before it finished. */
  tail: Promise<unknown>;
  waiting: number;
}

/** A group, supergroup or channel (negative id or @username) as opposed to a private chat. */
export function isGroupId(chatId: string | number): boolean {
  return typeof chatId === 'number' ? chatId < 0 : !/^\d+$/.test(chatId);
}

export class Pacer {
  private readonly budgets = new Map<string, Budget>();
  private globalSent: number[] = [];
  private globalTail: Promise<unknown> = Promise.resolve();
  readonly perChatMs: number;
  readonly groupPerMinute: number;
  readonly globalPerSecond: number;

  constructor(opts: PacerOptions = {}) {
    this.perChatMs = opts.perChatMs ?? 1000;
    this.groupPerMinute = opts.groupPerMinute ?? 20;
    this.globalPerSecond = opts.globalPerSecond ?? 30;
  }

  /**
   * Runs `send` in the chat's queue once the chat's budget and the overall budget allow it. The send
   * counts as spent when it starts; the next one of the chat starts after it finished.
   */
  run<T>(chatId: string | number, send: () => Promise<T>): Promise<T> {
    const key = String(chatId);
    const b = this.budget(key);
    b.waiting++;
    const turn = b.tail.then(async () => {
      for (;;) {
        const wait = this.readyAt(key) - Date.now();
        if (wait <= 0) break;
        await sleep(wait);
      }
      await this.takeGlobal();
      const now = Date.now();
      b.sent.push(now);
      b.waiting--;
      return send();
    });
    b.tail = turn.catch(() => undefined).finally(() => this.forget(key));
    return turn;
  }

  /** When the chat may send next (ms since the epoch): now or later. */
  readyAt(chatId: string | number): number {
    const key = String(chatId);
    const b = this.budgets.get(key);
    if (!b) return Date.now();
    const now = Date.now();
    while (b.sent.length && b.sent[0]! <= now - MINUTE) b.sent.shift();
    let at = Math.max(now, b.blockedUntil);
    const last = b.sent.at(-1);
    if (last !== undefined) at = Math.max(at, last + this.perChatMs);
    if (isGroupId(key) && b.sent.length >= this.groupPerMinute) at = Math.max(at, b.sent[b.sent.length - this.groupPerMinute]! + MINUTE);
    return at;
  }

  /** Telegram answered 429 for this chat: nothing more goes to it for `ms`. */
  block(chatId: string | number, ms: number): void {
    const b = this.budget(String(chatId));
    b.blockedUntil = Math.max(b.blockedUntil, Date.now() + ms);
  }

  private budget(key: string): Budget {
    let b = this.budgets.get(key);
    if (!b) {
      b = { sent: [], blockedUntil: 0, tail: Promise.resolve(), waiting: 0 };
      this.budgets.set(key, b);
    }
    return b;
  }

  /** Drops a chat's record once nothing waits and nothing in it can limit a next send. */
  private forget(key: string): void {
    const b = this.budgets.get(key);
    if (!b || b.waiting) return;
    const now = Date.now();
    if (b.blockedUntil > now || (b.sent.at(-1) ?? 0) > now - MINUTE) return;
    this.budgets.delete(key);
  }

  private takeGlobal(): Promise<void> {
    const turn = this.globalTail.then(async () => {
      for (;;) {
        const now = Date.now();
        while (this.globalSent.length && this.globalSent[0]! <= now - 1000) this.globalSent.shift();
        if (this.globalSent.length < this.globalPerSecond) break;
        await sleep(this.globalSent[0]! + 1000 - now);
      }
      this.globalSent.push(Date.now());
    });
    this.globalTail = turn;
    return turn;
  }
}

/**
 * The pacer as a grammY API transformer: every call that posts to a chat waits for that chat's turn.
 * Install it before auto-retry, so a retried call queues again; a 429 blocks only its own chat.
 */
export function pacerTransformer(pacer: Pacer): Transformer {
  return (prev, method, payload, signal) => {
    const chatId = PACED.has(method) ? (payload as { chat_id?: string | number }).chat_id : undefined;
    if (chatId === undefined) return prev(method, payload, signal);
    return pacer.run(chatId, async () => {
      const res = await prev(method, payload, signal);
      if (!res.ok && res.error_code === 429) pacer.block(chatId, (res.parameters?.retry_after ?? 1) * 1000);
      return res;
    });
  };
}
