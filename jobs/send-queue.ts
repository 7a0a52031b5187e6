/**
 * The one send queue: every message the jobs send is first written to the outbound_messages outbox in
 * Postgres (idempotent by dedupe_key), then carried by a BullMQ job whose id is derived from the outbox
 * id. The worker sends through the platform's PlatformSender, within per-chat and global rate limits,
 * and marks the row sent; a row already marked sent is never sent again.
 */
import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../src/db/client.js';
import type { Logger } from '../src/lib/logger.js';
import {
  countOutboxAttempt,
  earlierPendingInChat,
  loadPendingSend,
  markOutboxFailed,
  markOutboxSent,
  noteOutboxError,
  outboxStatus,
  pendingOutboxIds,
  writeOutbox,
  type OutboxMessage,
} from '../src/messaging/outbox.js';
import { PermanentSendError, RateLimitedError, type SenderRegistry } from '../src/messaging/port.js';
import { setPollMessage } from '../src/consultation/poll-message.js';
import { KeyedSerializer } from '../src/lib/keyed-serializer.js';
import { backoff, retry } from '../src/lib/retry.js';
import { SendLimiter } from './limiter.js';
import type { SharedSendLimiter } from './shared-limiter.js';
import { metrics } from '../src/lib/metrics.js';
import { jobIds, sendJobSchema } from './queues.js';

export type { OutboxMessage };

export interface SendQueueOptions {
  db: Db;
  queue: Queue;
  logger: Logger;
}

/** Enqueues the pending outbox rows with these dedupe keys (a retry of a crashed enqueue is harmless). */
export async function enqueuePending(opts: SendQueueOptions, dedupeKeys: string[]): Promise<number[]> {
  const ids = await pendingOutboxIds(opts.db, dedupeKeys);
  await enqueueIds(opts, ids);
  return ids;
}

/** Adds send jobs for outbox ids; a job that already exists is kept, a failed one is retried. */
export async function enqueueIds(opts: SendQueueOptions, ids: number[]): Promise<void> {
  for (const id of ids) {
    const jobId = jobIds.send(id);
    const existing = await opts.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed') await existing.retry('failed');
      else if (state === 'completed') {
        // Completed but the row is still pending (the mark was lost): run it again, the worker re-checks the row.
        await existing.remove();
        await opts.queue.add('send', { outboxId: id }, { jobId });
      }
      continue;
    }
    await opts.queue.add('send', { outboxId: id }, { jobId });
  }
}

/** Writes and enqueues in one call, for messages not tied to another state change. */
export async function queueMessages(opts: SendQueueOptions, messages: OutboxMessage[]): Promise<number[]> {
  await writeOutbox(opts.db, messages);
  return enqueuePending(opts, messages.map((m) => m.dedupeKey));
}

/** Re-enqueues every pending outbox row (a crash between commit and enqueue loses nothing). */
export async function enqueueAllPending(opts: SendQueueOptions): Promise<number> {
  const ids = await pendingOutboxIds(opts.db);
  await enqueueIds(opts, ids);
  return ids.length;
}

export interface SendWorkerOptions {
  db: Db;
  queueName: string;
  prefix: string;
  connection: Redis;
  senders: SenderRegistry;
  limiter: SendLimiter;
  /** The same limits across every instance (Redis); without it they hold per process only. */
  shared?: SharedSendLimiter;
  logger: Logger;
  concurrency?: number;
}

const isRateLimited = (err: unknown): err is RateLimitedError =>
  err instanceof RateLimitedError || (err instanceof Error && err.name === 'RateLimitedError' && typeof (err as RateLimitedError).retryAfterMs === 'number');
const isPermanent = (err: unknown) => err instanceof PermanentSendError || (err instanceof Error && err.name === 'PermanentSendError');

/** The send worker. Messages to one chat go one at a time, in order. */
export function createSendWorker(opts: SendWorkerOptions): Worker {
  const { db, senders, limiter, shared, logger } = opts;
  // Messages to one chat go one at a time inside this process, so they keep their order.
  const chatOrder = new KeyedSerializer();

  const processSend = async (job: Job, token?: string): Promise<string> => {
    const parsed = sendJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad send job payload: ${parsed.error.issues[0]?.message}`);
    const outboxId = parsed.data.outboxId;
    const row = await loadPendingSend(db, outboxId);
    if (row === 'invalid') throw new UnrecoverableError(`outbox ${outboxId}: invalid payload`);
    if (typeof row === 'string') return row;
    const sender = senders.get(row.platform);
    // No adapter for this platform is running (yet): retried with backoff, and re-enqueued at next start.
    if (!sender) throw new Error(`no sender for platform ${row.platform}`);

    return chatOrder.run(`${row.platform}:${row.platformChatId}`, async () => {
      // Re-read under the chat's turn: an earlier copy of this job may have sent it meanwhile.
      const status = await outboxStatus(db, outboxId);
      if (status !== 'pending') {
        limiter.release(outboxId);
        return status;
      }
      // Jobs of one chat can reach this point out of order (they are fetched concurrently): an earlier
      // pending message to the same chat goes first, across processes too.
      if (await earlierPendingInChat(db, row)) {
        await job.moveToDelayed(Date.now() + 50, token);
        throw new DelayedError();
      }
      const now = Date.now();
      const at = limiter.slot(row.platform, row.platformChatId, outboxId, now);
      if (at > now) {
        await job.moveToDelayed(at, token);
        throw new DelayedError();
      }
      const wait = shared ? await shared.take(row.platform, row.platformChatId, outboxId) : 0;
      if (wait > 0) {
        // Other instances used the window: this process's turn goes to the chat's next message meanwhile.
        limiter.giveBack(row.platform, row.platformChatId, outboxId);
        await job.moveToDelayed(Date.now() + wait + Math.floor(Math.random() * 20), token);
        throw new DelayedError();
      }
      limiter.sent(row.platform, outboxId, now);
      await countOutboxAttempt(db, outboxId);
      let messageId: string | undefined;
      try {
        const sent = await sender.send({ platform: row.platform, platformChatId: row.platformChatId, ...row.payload, outboxId });
        messageId = sent.messageId;
      } catch (err) {
        if (isRateLimited(err)) {
          const until = Date.now() + Math.max(0, err.retryAfterMs);
          limiter.block(row.platform, row.platformChatId, outboxId, until);
          metrics.rateLimited(row.platform);
          logger.warn('send rate limited by platform', { outboxId, platform: row.platform, retryAfterMs: err.retryAfterMs });
          await job.moveToDelayed(until, token);
          throw new DelayedError();
        }
        const message = err instanceof Error ? err.message : String(err);
        if (isPermanent(err)) {
          await markOutboxFailed(db, outboxId, message);
          logger.warn('send failed permanently', { outboxId, platform: row.platform, error: message });
          throw new UnrecoverableError(message);
        }
        await noteOutboxError(db, outboxId, message).catch(() => undefined);
        throw err;
      }
      // The message is out: marking it must not be lost to a transient database error, or it would go twice.
      await retry(() => markOutboxSent(db, outboxId, messageId), { attempts: 5, delayMs: backoff(200) });
      // A ballot posted to one more chat of its community: its message there gets live counts too.
      if (row.payload.pollId !== undefined && row.payload.buttons?.length && messageId)
        await setPollMessage(db, row.payload.pollId, row.platformChatId, messageId).catch((err) => logger.warn('could not remember a ballot message', { outboxId, err }));
      return 'sent';
    });
  };

  const worker = new Worker(opts.queueName, processSend, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency ?? 8,
    autorun: false,
  });
  worker.on('failed', (job, err) => {
    if (err instanceof DelayedError || err.name === 'DelayedError') return;
    logger.warn('send job failed', { jobId: job?.id, attemptsMade: job?.attemptsMade, error: err.message });
  });
  worker.on('error', (err) => logger.error('send worker error', { error: err }));
  return worker;
}
