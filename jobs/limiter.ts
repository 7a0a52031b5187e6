/**
 * In-process send rate limits per platform: per chat and overall, as sliding windows.
 *
 * BullMQ's own limiter is one limit for the whole queue; the platforms limit per chat as well
 * (Telegram: 20 messages a minute to one group), so the send worker asks this limiter for a slot and
 * delays the job until then instead of sending.
 */
import type { Platform } from '../src/kernel/types.js';

export interface Window {
  max: number;
  durationMs: number;
}

export interface PlatformLimits {
  /** Windows that apply to each chat separately. */
  perChat: Window[];
  /** Windows that apply to all chats of the platform together. */
  global: Window[];
}

/** Conservative defaults from the platforms' published limits (see PLATFORMS.md). */
export const DEFAULT_LIMITS: Record<Platform, PlatformLimits> = {
  telegram: {
    perChat: [
      { max: 1, durationMs: 1000 },
      { max: 20, durationMs: 60_000 },
    ],
    global: [{ max: 30, durationMs: 1000 }],
  },
  // Frequent room sends get WeChat accounts warned or banned ("操作过于频繁"): go slowly.
  wechat: {
    perChat: [{ max: 1, durationMs: 3000 }],
    global: [{ max: 20, durationMs: 60_000 }],
  },
  // WeCom smart bot: no rate is documented for aibot_send_msg, so the documented group-robot limit
  // (20 messages a minute per robot) is kept for the whole bot, and one message per 3 s to a chat.
  wecom: {
    perChat: [{ max: 1, durationMs: 3000 }],
    global: [{ max: 20, durationMs: 60_000 }],
  },
  // WeChat Official Account (wechat-mp): each follower is a chat; the API counts calls per day, 45009 says when
  // the quota is spent (the sender turns it into a wait), so only a modest overall pace is kept here.
  'wechat-mp': {
    perChat: [],
    global: [{ max: 20, durationMs: 1000 }],
  },
  console: { perChat: [], global: [] },
};

/** The earliest time >= t at which one more stamp fits every window, given past stamps (sorted). */
function earliestFit(stamps: number[], windows: Window[], t: number): number {
  let at = t;
  for (let guard = 0; guard < 100; guard++) {
    let moved = false;
    for (const w of windows) {
      if (w.max <= 0) continue;
      const inWindow = stamps.filter((s) => s > at - w.durationMs && s <= at);
      if (inWindow.length >= w.max) {
        // The slot frees up when the oldest of the last `max` stamps leaves the window.
        const freeAt = inWindow[inWindow.length - w.max]! + w.durationMs;
        if (freeAt > at) {
          at = freeAt;
          moved = true;
        }
      }
    }
    if (!moved) return at;
  }
  return at;
}

/** How long past its turn a promised message may take to come back before its turn is given away. */
const STALE_PROMISE_MS = 5000;

export class SendLimiter {
  private readonly chatStamps = new Map<string, number[]>();
  private readonly globalStamps = new Map<Platform, number[]>();
  private readonly blockedUntil = new Map<string, number>();
  /** Slots reserved by messages waiting for their chat's turn, by outbox id. */
  private readonly reservations = new Map<number, number>();
  /**
   * Turns promised to messages that found the platform's overall window full, by outbox id: they go in
   * the order they asked (a broadcast goes out in order, nothing starves behind later messages), and a
   * message asking later queues behind them. A promise is an order, not a send: the window only ever
   * counts real sends, so a turn taken late can never put more than `max` sends in a window.
   */
  private readonly promises = new Map<Platform, Map<number, number>>();

  constructor(private readonly limits: Partial<Record<Platform, PlatformLimits>>) {}

  private key(platform: Platform, chatId: string) {
    return `${platform}\u0000${chatId}`;
  }

  private prune(list: number[], now: number, windows: Window[]) {
    const longest = Math.max(0, ...windows.map((w) => w.durationMs));
    while (list.length && list[0]! <= now - longest) list.shift();
  }

  /**
   * When the message `outboxId` may be sent: `now` when it may go at once (the caller then sends and
   * calls `sent`), else a later instant to delay it to. The chat's slot is reserved in FIFO order so
   * later messages to the same chat queue behind it; the global windows only count real sends, so a
   * busy chat never holds up the others.
   */
  slot(platform: Platform, chatId: string, outboxId: number, now: number): number {
    const limits = this.limits[platform] ?? { perChat: [], global: [] };
    const key = this.key(platform, chatId);
    let chat = this.chatStamps.get(key);
    if (!chat) this.chatStamps.set(key, (chat = []));
    this.prune(chat, now, limits.perChat);

    let chatAt = this.reservations.get(outboxId);
    if (chatAt === undefined) {
      const last = chat.length ? chat[chat.length - 1]! : undefined;
      let start = Math.max(now, this.blockedUntil.get(key) ?? 0);
      // FIFO per chat: never before the last reserved slot of this chat.
      if (last !== undefined && last > start) start = last;
      chatAt = earliestFit(chat, limits.perChat, start);
      chat.push(chatAt);
      chat.sort((a, b) => a - b);
      this.reservations.set(outboxId, chatAt);
    }
    if (chatAt > now) return chatAt;

    return this.globalTurn(platform, outboxId, now, limits.global);
  }

  private globalTurn(platform: Platform, outboxId: number, now: number, windows: Window[]): number {
    let global = this.globalStamps.get(platform);
    if (!global) this.globalStamps.set(platform, (global = []));
    this.prune(global, now, windows);
    let promised = this.promises.get(platform);
    if (!promised) this.promises.set(platform, (promised = new Map()));
    // A promise whose message never came back (sent elsewhere, removed) stops holding the line.
    for (const [id, at] of promised) if (at < now - STALE_PROMISE_MS) promised.delete(id);
    const mine = promised.get(outboxId);
    // Ahead of this message: real sends, and the messages promised a turn before it.
    const ahead: number[] = [];
    let lastPromise = now;
    for (const [id, at] of promised) {
      if (id === outboxId) continue;
      if (mine === undefined || at < mine || (at === mine && id < outboxId)) ahead.push(at);
      if (mine === undefined) lastPromise = Math.max(lastPromise, at);
    }
    const stamps = [...global, ...ahead].sort((a, b) => a - b);
    // A newcomer queues behind every promised turn; a promised message takes its turn when it fits.
    const at = earliestFit(stamps, windows, mine === undefined ? lastPromise : now);
    if (at <= now) {
      promised.delete(outboxId);
      return now;
    }
    promised.set(outboxId, at);
    return at;
  }

  /** Records a send that is about to happen now (after `slot` returned `now`). */
  sent(platform: Platform, outboxId: number, now: number): void {
    this.reservations.delete(outboxId);
    this.promises.get(platform)?.delete(outboxId);
    let global = this.globalStamps.get(platform);
    if (!global) this.globalStamps.set(platform, (global = []));
    global.push(now);
  }

  /** The platform said "too many requests" for this chat: nothing goes there before `until`. */
  block(platform: Platform, chatId: string, outboxId: number, until: number): void {
    this.reservations.delete(outboxId);
    this.promises.get(platform)?.delete(outboxId);
    const key = this.key(platform, chatId);
    this.blockedUntil.set(key, Math.max(until, this.blockedUntil.get(key) ?? 0));
  }

  /** Gives back the chat slot `slot` reserved for a message that is not sent now after all (the shared limits said wait). */
  giveBack(platform: Platform, chatId: string, outboxId: number): void {
    const at = this.reservations.get(outboxId);
    this.release(outboxId);
    const chat = at === undefined ? undefined : this.chatStamps.get(this.key(platform, chatId));
    const i = chat ? chat.indexOf(at!) : -1;
    if (i >= 0) chat!.splice(i, 1);
  }

  /** Forgets a reservation of a message that will not be sent now (failed, or already sent). */
  release(outboxId: number): void {
    this.reservations.delete(outboxId);
    for (const promised of this.promises.values()) promised.delete(outboxId);
  }
}
