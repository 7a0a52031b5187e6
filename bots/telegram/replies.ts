/**
 * Replies on their way out, one lane per chat. A reply is queued and the update acknowledged at once,
 * so a busy group never holds the polling loop (nor other groups) while it waits for its budget.
 *
 * A lane sends one message per turn of its chat's budget (see pacer.ts). When several plain answers
 * wait for the same turn (a busy group), they go as one message, each on its own line naming whom it
 * answers (split at 4096 characters). Ballots, results and anything with buttons, a poll or a file
 * are never merged: they go alone, in their order. A refusal for a busy group goes to its resident
 * privately when they have started the bot, leaving at most a short note riding along with the next
 * merged message. Nothing is sent twice; a chat the bot cannot write to (kicked, no rights) is told
 * to the core and its lane emptied, and a migrated chat's lane moves to the new id.
 *
 * Replies of one update carry its key: once every one of them is settled (sent, merged into a sent
 * message, or given up for good) the lanes say so (onDelivered), and the core stops keeping them.
 * What is still queued when the process dies is sent at the next start (see bot.ts).
 */
import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { t } from '../../src/i18n/index.js';
import type { Logger } from '../../src/lib/logger.js';
import { sleep } from '../../src/lib/retry.js';
import { MAX_MESSAGE } from '../../src/domain/text.js';
import { cannotWrite, describe, goneReason, isGrammyError } from './errors.js';
import { isGroupId, type Pacer } from './pacer.js';
import { safeText } from './render.js';
import { sendAttachment, type AttachmentSource } from './attachments.js';
import type { Attachment } from '../../src/domain/messages.js';

export interface OutgoingReply {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  /** A ballot: its message id is remembered for live counts. */
  pollId?: number;
  /** A picture or document sent right after the text (a result picture, a 公示 PDF). */
  attachment?: Attachment;
  /** The command message it answers (reply_parameters when it goes alone). */
  replyTo?: number;
  /** The forum topic to post in. */
  threadId?: number;
  /** Whom it answers: named on its line when merged. */
  who: string;
  lang?: string;
  /** Plain text answer that may share a message with others (no buttons, poll, file, result). */
  mergeable: boolean;
  /** A refusal to this user: may go privately when the group is busy. */
  refusalTo?: number;
  /** For a private lane: what the group gets instead when the user cannot be written to. */
  fallback?: { chatId: number | string; reply: OutgoingReply };
  /** The update it answers: settled with the update's other replies (onDelivered). */
  updateKey?: string;
}

interface Pending extends OutgoingReply {
  /** 'private': being tried in the resident's private chat; skipped by the lane meanwhile. */
  state: 'ready' | 'private';
  /** A short note that only rides along with a merged message, never sent on its own. */
  note?: boolean;
  failures: number;
}

interface Lane {
  chatId: string;
  items: Pending[];
  running: boolean;
}

export interface LanesEnv {
  /** An Api without transformers: lanes pace and retry by themselves. */
  api: Api;
  pacer: Pacer;
  logger: Logger;
  /** Draws a reply's attachment (the core's renderAttachment); without it attachments are left out. */
  files?: AttachmentSource;
  /** A ballot was posted: remember its message. */
  onPollMessage(pollId: number, chatId: string, messageId: number): Promise<void>;
  /** Telegram said the group moved to a new id: the core moves it (returns when done). */
  onMigrated(fromChatId: string, toChatId: string): Promise<void>;
  /** The bot may not write in this group (kicked, no rights, gone). */
  onGone(chatId: string, reason: string): Promise<void>;
  /** Every reply of the update was settled: sent, or given up for good. */
  onDelivered?(updateKey: string): Promise<void>;
}

const MAX_FAILURES = 3;

export class ReplyLanes {
  private readonly lanes = new Map<string, Lane>();
  /** Old chat id -> new one, once Telegram said a group migrated. */
  private readonly moved = new Map<string, string>();
  /** Replies not yet settled, per update key. */
  private readonly unsettled = new Map<string, number>();
  /** Updates being marked delivered (idle() waits for them, so a clean stop leaves nothing to send again). */
  private readonly marking = new Set<Promise<void>>();

  constructor(private readonly env: LanesEnv) {}

  /** Queues a reply for `chatId`; never throws, never waits for the send. */
  post(chatId: number | string, reply: OutgoingReply): void {
    const key = this.resolve(String(chatId));
    const lane = this.lane(key);
    const item: Pending = { ...reply, state: 'ready', failures: 0 };
    if (item.updateKey !== undefined) this.unsettled.set(item.updateKey, (this.unsettled.get(item.updateKey) ?? 0) + 1);
    if (item.refusalTo !== undefined && isGroupId(key) && this.busy(lane)) {
      item.state = 'private';
      void this.tryPrivately(lane, item);
    }
    lane.items.push(item);
    this.kick(lane);
  }

  /** The new id of a migrated chat (or the id itself). */
  resolve(chatId: string): string {
    let id = chatId;
    for (let i = 0; i < 5 && this.moved.has(id); i++) id = this.moved.get(id)!;
    return id;
  }

  /** A group migrated: what waits for the old id goes to the new one. */
  move(fromChatId: string, toChatId: string): void {
    if (fromChatId === toChatId) return;
    this.moved.set(fromChatId, toChatId);
    const old = this.lanes.get(fromChatId);
    if (!old) return;
    const items = old.items.splice(0);
    const lane = this.lane(toChatId);
    lane.items.unshift(...items);
    this.kick(lane);
  }

  /** Waits until every lane is empty, at most `timeoutMs`: for shutdown and tests. */
  async idle(timeoutMs = 30000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.marking.size || [...this.lanes.values()].some((l) => l.items.length || l.running)) {
      if (Date.now() > end) return false;
      await sleep(20);
    }
    return true;
  }

  /** Replies waiting in a chat's lane (for tests and logs). */
  pending(chatId: number | string): number {
    return this.lanes.get(String(chatId))?.items.length ?? 0;
  }

  /** These replies are done with (sent, or given up for good): an update all of whose replies are, is delivered. */
  private settle(items: Pending[]): void {
    for (const i of items) {
      if (i.updateKey === undefined) continue;
      const left = (this.unsettled.get(i.updateKey) ?? 1) - 1;
      if (left > 0) {
        this.unsettled.set(i.updateKey, left);
        continue;
      }
      this.unsettled.delete(i.updateKey);
      const key = i.updateKey;
      const marking: Promise<void> = (this.env.onDelivered?.(key) ?? Promise.resolve())
        .catch((err) => this.env.logger.warn('could not mark replies delivered; they may be sent again at the next start', { updateKey: key, ...describe(err) }))
        .finally(() => this.marking.delete(marking));
      this.marking.add(marking);
    }
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { chatId: key, items: [], running: false };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** The group cannot send this reply right now: others wait, or its budget is spent for the moment. */
  private busy(lane: Lane): boolean {
    return lane.items.length > 0 || lane.running || this.env.pacer.readyAt(lane.chatId) > Date.now();
  }

  private kick(lane: Lane): void {
    if (lane.running) return;
    lane.running = true;
    void this.drain(lane)
      .catch((err) => this.env.logger.error('reply lane failed', { chatId: lane.chatId, ...describe(err) }))
      .finally(() => {
        lane.running = false;
        if (lane.items.some(sendable)) this.kick(lane);
        else if (!lane.items.length && this.lanes.get(lane.chatId) === lane) this.lanes.delete(lane.chatId);
      });
  }

  private async drain(lane: Lane): Promise<void> {
    while (lane.items.some(sendable) && this.lanes.get(lane.chatId) === lane) {
      const result = await this.env.pacer.run(lane.chatId, () => this.sendNext(lane));
      if (result === 'stop') return;
      if (result === 'retry') await sleep(Math.min(8000, 500 * 2 ** Math.max(0, (lane.items[0]?.failures ?? 1) - 1)));
    }
    // Notes left without a message to ride on are dropped: their answers went privately.
    const dropped = lane.items.filter((i) => i.note && i.state === 'ready');
    lane.items = lane.items.filter((i) => !dropped.includes(i));
    this.settle(dropped);
  }

  /** One message of the lane, in the chat's turn. */
  private async sendNext(lane: Lane): Promise<'sent' | 'retry' | 'again' | 'stop'> {
    const batch = this.take(lane);
    if (!batch) return 'again';
    const { removed, text, extra, pollId, attachment } = batch;
    // Notes that rode along in a merged message are not sent again if it fails: their answers went privately.
    const items = removed.filter((i) => !i.note);
    try {
      const msg = await this.env.api.sendMessage(wireId(lane.chatId), text, { link_preview_options: { is_disabled: true }, ...extra });
      if (pollId !== undefined) {
        try {
          await this.env.onPollMessage(pollId, lane.chatId, msg.message_id);
        } catch (err) {
          this.env.logger.error('could not remember the ballot message; live counts will not show', { pollId, ...describe(err) });
        }
      }
      // The text is out: its picture or document follows, and a failure there is only logged.
      const threadId = typeof extra.message_thread_id === 'number' ? extra.message_thread_id : undefined;
      await sendAttachment(this.env.api, wireId(lane.chatId), attachment, this.env.files, this.env.logger, { replyTo: msg.message_id, threadId });
      this.settle(removed);
      return 'sent';
    } catch (err) {
      this.settle(removed.filter((i) => i.note));
      return this.failed(lane, items, err);
    }
  }

  private async failed(lane: Lane, items: Pending[], err: unknown): Promise<'sent' | 'retry' | 'again' | 'stop'> {
    const log = this.env.logger.child({ chatId: lane.chatId });
    if (isGrammyError(err)) {
      if (err.error_code === 429) {
        this.env.pacer.block(lane.chatId, (err.parameters.retry_after ?? 1) * 1000);
        lane.items.unshift(...items);
        return 'again';
      }
      const to = err.parameters.migrate_to_chat_id;
      if (err.error_code === 400 && to !== undefined) {
        lane.items.unshift(...items);
        log.info('group migrated to a supergroup; its replies follow', { to });
        try {
          await this.env.onMigrated(lane.chatId, String(to));
        } catch (e) {
          log.error('could not record the migration', describe(e));
        }
        this.move(lane.chatId, String(to));
        return 'stop';
      }
      if (isGroupId(lane.chatId) && cannotWrite(err)) {
        const dropped = lane.items.length + items.length;
        this.settle([...lane.items, ...items]);
        lane.items = [];
        log.warn('the bot cannot write in this group; its replies are dropped and the chat marked inactive', { dropped, ...describe(err) });
        try {
          await this.env.onGone(lane.chatId, goneReason(err));
        } catch (e) {
          log.error('could not mark the chat inactive', describe(e));
        }
        return 'stop';
      }
      if (err.error_code === 403 || err.error_code === 400) {
        // Never succeeds as it is: the user blocked the bot, or the request itself is refused.
        for (const i of items) if (i.fallback) this.post(i.fallback.chatId, i.fallback.reply);
        this.settle(items);
        log.info('reply refused by Telegram, not retried', { ...describe(err), replies: items.length });
        return 'sent';
      }
    }
    // 5xx or the network: the same batch again, a few times.
    const failures = Math.max(...items.map((i) => ++i.failures));
    if (failures >= MAX_FAILURES) {
      log.error('reply not delivered after retries', { replies: items.length, ...describe(err) });
      this.settle(items);
      return 'sent';
    }
    log.warn('reply not delivered, retrying', { failures, ...describe(err) });
    lane.items.unshift(...items);
    return 'retry';
  }

  /** What goes in this turn: one reply alone, or the plain answers waiting, merged (up to 4096 characters). */
  private take(lane: Lane): { removed: Pending[]; text: string; extra: Record<string, unknown>; pollId?: number; attachment?: Attachment } | undefined {
    const first = lane.items.find(sendable);
    if (!first) return undefined;
    const topic = first.threadId === undefined ? {} : { message_thread_id: first.threadId };
    if (!first.mergeable) {
      remove(lane, [first]);
      return { removed: [first], text: safeText(first.text), extra: { ...topic, ...(first.reply_markup ? { reply_markup: first.reply_markup } : {}), ...replyParams(first.replyTo) }, pollId: first.pollId, attachment: first.attachment };
    }
    // The plain answers (and notes) of the same topic before the next reply that must go alone.
    const run: Pending[] = [];
    for (const i of lane.items) {
      if (i.state !== 'ready') continue;
      if (!i.mergeable) break;
      if (i.threadId === first.threadId) run.push(i);
    }
    if (run.length === 1) {
      remove(lane, run);
      return { removed: run, text: safeText(first.text), extra: { ...topic, ...replyParams(first.replyTo) } };
    }
    const lines: string[] = [];
    const taken: Pending[] = [];
    let length = 0;
    for (const i of run) {
      const line = safeText(t(i.lang, 'telegram.mergedLine', { name: safeText(i.who, 64), text: i.text }));
      const add = line.length + (lines.length ? 1 : 0);
      if (length + add > MAX_MESSAGE) break;
      lines.push(line);
      taken.push(i);
      length += add;
    }
    if (taken.length === 1 && !taken[0]!.note) {
      remove(lane, taken);
      return { removed: taken, text: safeText(taken[0]!.text), extra: { ...topic, ...replyParams(taken[0]!.replyTo) } };
    }
    if (!taken.some((i) => !i.note)) {
      // The first answer alone is too long to carry a name: it goes as it is.
      const alone = run.find((i) => !i.note)!;
      remove(lane, [alone]);
      return { removed: [alone], text: safeText(alone.text), extra: { ...topic, ...replyParams(alone.replyTo) } };
    }
    remove(lane, taken);
    return { removed: taken, text: lines.join('\n'), extra: topic };
  }

  /** A refusal for a busy group, tried in the resident's private chat (its own budget). */
  private async tryPrivately(lane: Lane, item: Pending): Promise<void> {
    const userId = item.refusalTo!;
    try {
      await this.env.pacer.run(userId, () => this.env.api.sendMessage(userId, safeText(item.text), { link_preview_options: { is_disabled: true } }));
      item.note = true;
      item.text = t(item.lang, 'telegram.answeredPrivately');
    } catch (err) {
      this.env.logger.debug('refusal could not go privately; it stays in the group', describe(err));
    }
    item.state = 'ready';
    const current = this.lanes.get(this.resolve(lane.chatId));
    if (current && current !== lane && lane.items.includes(item)) remove(lane, [item]), current.items.push(item);
    if (current) this.kick(current);
  }
}

/** Numeric chat ids go as numbers, as Telegram gives them. */
function wireId(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}

function sendable(i: Pending): boolean {
  return i.state === 'ready' && !i.note;
}

function remove(lane: Lane, items: Pending[]): void {
  lane.items = lane.items.filter((i) => !items.includes(i));
}

function replyParams(messageId?: number) {
  return messageId ? { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } } : {};
}
