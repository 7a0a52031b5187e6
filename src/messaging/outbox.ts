/**
 * The outbox (outbound_messages): every message the app sends on its own is first written here, in the
 * transaction of what caused it, idempotent by its dedupe key (src/messaging/outbox-keys.ts). The send
 * queue (jobs/send-queue.ts) carries pending rows to the platforms through these functions only.
 */
import { and, count, eq, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.js';
import { outboundMessages, PLATFORMS, type Platform } from '../db/schema.js';
import type { ChatAddress, Reply } from '../domain/messages.js';
import { fitText, MAX_MESSAGE } from '../domain/text.js';
import { redactLinks } from './redact.js';

const buttonSchema = z.object({ label: z.string().min(1), data: z.string().min(1).max(64) });
export const payloadSchema = z.object({
  text: z.string().min(1).max(MAX_MESSAGE),
  buttons: z.array(z.array(buttonSchema)).optional(),
  pollId: z.number().int().positive().optional(),
  /** The forum topic to post in (Telegram message_thread_id). */
  threadId: z.string().optional(),
  /** A picture or document sent after the text (Reply.attachment), drawn when sent. */
  attachment: z
    .union([
      z.object({ kind: z.enum(['poll-chart', 'notice']), pollId: z.number().int().positive() }),
      z.object({ kind: z.literal('owners-notice'), voteId: z.number().int().positive() }),
    ])
    .optional(),
});
export type OutboundPayload = z.infer<typeof payloadSchema>;

export interface OutboxMessage {
  platform: Platform;
  platformChatId: string;
  /** The same key is queued once, ever (see outbox-keys.ts). */
  dedupeKey: string;
  payload: OutboundPayload;
}

/** Where an item's messages go: its chat, in the forum topic it was raised in when there is one. */
export function itemAddress(chat: { platform: Platform; platformChatId: string }, threadId?: string | null): ChatAddress {
  return { platform: chat.platform, platformChatId: chat.platformChatId, ...(threadId ? { threadId } : {}) };
}

/** A reply posted to `to` on its own (not as an answer): its text, buttons, ballot and picture, in `to`'s topic. */
export function replyMessage(to: ChatAddress, dedupeKey: string, reply: Pick<Reply, 'text' | 'buttons' | 'pollId' | 'attachment'>): OutboxMessage {
  const payload: OutboundPayload = {
    text: reply.text,
    ...(reply.buttons?.length ? { buttons: reply.buttons } : {}),
    ...(reply.pollId !== undefined ? { pollId: reply.pollId } : {}),
    ...(to.threadId ? { threadId: to.threadId } : {}),
    ...(reply.attachment ? { attachment: reply.attachment } : {}),
  };
  return { platform: to.platform, platformChatId: to.platformChatId, dedupeKey, payload };
}

/** Nothing written is longer than a platform takes (counted as the payload schema counts). */
function fit(payload: OutboundPayload): OutboundPayload {
  return payload.text.length <= MAX_MESSAGE ? payload : { ...payload, text: fitText(payload.text, MAX_MESSAGE, '…') };
}

/**
 * Writes messages to the outbox (inside the caller's transaction when given); known keys are skipped.
 * Returns the keys actually written now, so a use case can tell a first run from a repeated one.
 */
export async function writeOutbox(db: Db | Tx, messages: OutboxMessage[]): Promise<string[]> {
  if (!messages.length) return [];
  const rows = await db
    .insert(outboundMessages)
    .values(messages.map((m) => ({ platform: m.platform, platformChatId: m.platformChatId, dedupeKey: m.dedupeKey, payload: fit(m.payload) })))
    .onConflictDoNothing({ target: outboundMessages.dedupeKey })
    .returning({ dedupeKey: outboundMessages.dedupeKey });
  return rows.map((r) => r.dedupeKey);
}

/** The ids of the pending rows with these keys, or of every pending row when `dedupeKeys` is omitted. */
export async function pendingOutboxIds(db: Db, dedupeKeys?: string[]): Promise<number[]> {
  if (dedupeKeys && !dedupeKeys.length) return [];
  const pending = eq(outboundMessages.status, 'pending');
  const rows = await db
    .select({ id: outboundMessages.id })
    .from(outboundMessages)
    .where(dedupeKeys ? and(inArray(outboundMessages.dedupeKey, dedupeKeys), pending) : pending);
  return rows.map((r) => r.id);
}

/** How many messages wait to be sent. */
export async function countPendingOutbox(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outboundMessages).where(eq(outboundMessages.status, 'pending'));
  return row?.n ?? 0;
}

/** Whether any message with a key starting with `prefix` was ever written (sent or not). */
export async function outboxHasKeyPrefix(db: Db | Tx, prefix: string): Promise<boolean> {
  const [row] = await db
    .select({ id: outboundMessages.id })
    .from(outboundMessages)
    .where(sql`${outboundMessages.dedupeKey} like ${prefix.replace(/[\\%_]/g, '\\$&') + '%'}`)
    .limit(1);
  return Boolean(row);
}

export interface PendingSend {
  id: number;
  platform: Platform;
  platformChatId: string;
  payload: OutboundPayload;
}

/**
 * The outbox row `id` if it is still to be sent. A row that can never be sent (bad payload or platform)
 * is marked failed here and comes back as 'invalid'.
 */
export async function loadPendingSend(db: Db, id: number): Promise<PendingSend | 'missing' | 'sent' | 'failed' | 'invalid'> {
  const [row] = await db.select().from(outboundMessages).where(eq(outboundMessages.id, id));
  if (!row) return 'missing';
  if (row.status !== 'pending') return row.status;
  const payload = payloadSchema.safeParse(row.payload);
  if (!payload.success || !(PLATFORMS as readonly string[]).includes(row.platform)) {
    await markOutboxFailed(db, id, 'invalid payload');
    return 'invalid';
  }
  return { id: row.id, platform: row.platform, platformChatId: row.platformChatId, payload: payload.data };
}

/** The row's status now ('missing' when it is gone). */
export async function outboxStatus(db: Db, id: number): Promise<'pending' | 'sent' | 'failed' | 'missing'> {
  const [row] = await db.select({ status: outboundMessages.status }).from(outboundMessages).where(eq(outboundMessages.id, id));
  return row?.status ?? 'missing';
}

/** Whether an earlier message to the same chat is still pending (messages to one chat go in order). */
export async function earlierPendingInChat(db: Db, m: PendingSend): Promise<boolean> {
  const [earlier] = await db
    .select({ id: outboundMessages.id })
    .from(outboundMessages)
    .where(and(
      eq(outboundMessages.platform, m.platform),
      eq(outboundMessages.platformChatId, m.platformChatId),
      eq(outboundMessages.status, 'pending'),
      lt(outboundMessages.id, m.id),
    ))
    .limit(1);
  return Boolean(earlier);
}

/** Counts one more attempt to send the row (done just before the platform call). */
export async function countOutboxAttempt(db: Db, id: number): Promise<void> {
  await db.update(outboundMessages).set({ attempts: sql`${outboundMessages.attempts} + 1` }).where(eq(outboundMessages.id, id));
}

/** Marks a pending row sent, with the platform's message id. */
export async function markOutboxSent(db: Db, id: number, platformMessageId: string | undefined, at = new Date()): Promise<void> {
  const [sent] = await db
    .update(outboundMessages)
    .set({ status: 'sent', platformMessageId: platformMessageId ?? null, sentAt: at, lastError: null })
    .where(and(eq(outboundMessages.id, id), eq(outboundMessages.status, 'pending')))
    .returning({ payload: outboundMessages.payload });
  // Sent: a sign-in or personal link in it is kept no longer (redact.ts); most messages have none.
  const payload = sent?.payload as OutboundPayload | undefined;
  const text = payload && redactLinks(payload.text);
  if (payload && text !== payload.text) await db.update(outboundMessages).set({ payload: { ...payload, text } }).where(eq(outboundMessages.id, id));
}

/** Marks a row as never to be sent. */
export async function markOutboxFailed(db: Db, id: number, error: string): Promise<void> {
  await db.update(outboundMessages).set({ status: 'failed', lastError: error.slice(0, 500) }).where(eq(outboundMessages.id, id));
}

/** Remembers why a send that will be retried failed. */
export async function noteOutboxError(db: Db, id: number, error: string): Promise<void> {
  await db.update(outboundMessages).set({ lastError: error.slice(0, 500) }).where(eq(outboundMessages.id, id));
}
