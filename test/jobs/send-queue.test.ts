import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { PermanentSendError, RateLimitedError } from '../../src/messaging/port.js';
import { startJobs } from '../../jobs/index.js';
import { redisUrl, uniqueName } from '../support/services.js';
import { deps, eventCore, outboxRow, RecordingSender, sleep, unique, waitFor, jobsHarness } from './support.js';

describe('the send queue', () => {
  const harness = jobsHarness();
  const started = harness.started;
  let database: Database;
  beforeAll(() => { database = harness.database; });

  const noLimits = { telegram: { perChat: [], global: [] }, wechat: { perChat: [], global: [] } };
  async function start(sender: RecordingSender, opts: Parameters<typeof startJobs>[1] = {}) {
    const jobs = await startJobs(deps(database, eventCore(), redisUrl(), [sender]), { prefix: uniqueName('jobs'), limits: noLimits, sendBackoffMs: 100, ...opts });
    started.push(jobs);
    return jobs;
  }

  it('sends a queued message once and marks it sent with the platform message id', async () => {
    const sender = new RecordingSender('telegram');
    const jobs = await start(sender);
    const key = unique('k');
    await jobs.queueMessages([{ platform: 'telegram', platformChatId: '-1001', dedupeKey: key, payload: { text: '你好' } }]);
    // The same message queued again (same dedupe key) is not sent again.
    await jobs.queueMessages([{ platform: 'telegram', platformChatId: '-1001', dedupeKey: key, payload: { text: '你好' } }]);
    await waitFor(async () => (await outboxRow(database, key))?.status === 'sent', 10_000, 'sent');
    await sleep(300);
    expect(sender.delivered.filter((d) => d.text === '你好' && d.platformChatId === '-1001')).toHaveLength(1);
    const row = await outboxRow(database, key);
    expect(row?.platformMessageId).toBe(sender.delivered[0]!.messageId);
    expect(row?.sentAt).toBeInstanceOf(Date);
  });

  it('waits out a RateLimitedError and then delivers exactly once', async () => {
    const sender = new RecordingSender('telegram', (call) => {
      if (call === 1) throw new RateLimitedError(700);
    });
    const jobs = await start(sender);
    const key = unique('k');
    const t0 = Date.now();
    await jobs.queueMessages([{ platform: 'telegram', platformChatId: '-1002', dedupeKey: key, payload: { text: '限流后送达' } }]);
    await waitFor(async () => (await outboxRow(database, key))?.status === 'sent', 10_000, 'sent');
    await sleep(300);
    expect(sender.calls).toBe(2);
    expect(sender.delivered).toHaveLength(1);
    // It honoured retry_after rather than retrying at once.
    expect(sender.delivered[0]!.at - t0).toBeGreaterThanOrEqual(650);
    expect((await outboxRow(database, key))?.attempts).toBe(2);
  });

  it('retries a failed send with backoff until it goes through', async () => {
    const sender = new RecordingSender('telegram', (call) => {
      if (call <= 2) throw new Error('ETIMEDOUT');
    });
    const jobs = await start(sender);
    const key = unique('k');
    await jobs.queueMessages([{ platform: 'telegram', platformChatId: '-1003', dedupeKey: key, payload: { text: '重试' } }]);
    await waitFor(async () => (await outboxRow(database, key))?.status === 'sent', 10_000, 'sent');
    expect(sender.calls).toBe(3);
    expect(sender.delivered).toHaveLength(1);
  });

  it('marks a permanently refused message failed and does not retry it', async () => {
    const sender = new RecordingSender('telegram', () => {
      throw new PermanentSendError('chat not found');
    });
    const jobs = await start(sender);
    const key = unique('k');
    await jobs.queueMessages([{ platform: 'telegram', platformChatId: '-1004', dedupeKey: key, payload: { text: '发不出去' } }]);
    await waitFor(async () => (await outboxRow(database, key))?.status === 'failed', 10_000, 'failed');
    await sleep(500);
    expect(sender.calls).toBe(1);
    expect((await outboxRow(database, key))?.lastError).toContain('chat not found');
  });

  it('sends pending outbox rows left by a crash between commit and enqueue at start, and never re-sends sent ones', async () => {
    const pendingKey = unique('pending');
    const sentKey = unique('sent');
    await database.db.insert(s.outboundMessages).values([
      { platform: 'telegram', platformChatId: '-1005', dedupeKey: pendingKey, payload: { text: '崩溃前写入' } },
      { platform: 'telegram', platformChatId: '-1005', dedupeKey: sentKey, payload: { text: '早已发出' }, status: 'sent', sentAt: new Date() },
    ]);
    const sender = new RecordingSender('telegram');
    const jobs = await start(sender);
    await waitFor(async () => (await outboxRow(database, pendingKey))?.status === 'sent', 10_000, 'sent');
    // Even a job pointing at the sent row does not send it again.
    const sentRow = await outboxRow(database, sentKey);
    await jobs.send.add('send', { outboxId: sentRow!.id }, { jobId: `out-${sentRow!.id}` });
    await sleep(500);
    expect(sender.to('-1005').map((d) => d.text)).toEqual(['崩溃前写入']);
  });

  it('keeps to a per-chat limit and keeps the order of one chat, without holding up other chats', async () => {
    const sender = new RecordingSender('telegram');
    const jobs = await start(sender, { limits: { telegram: { perChat: [{ max: 1, durationMs: 400 }], global: [] } } });
    const keys = [1, 2, 3].map(() => unique('k'));
    await jobs.queueMessages(keys.map((k, i) => ({ platform: 'telegram' as const, platformChatId: '-1006', dedupeKey: k, payload: { text: `第${i + 1}条` } })));
    await jobs.queueMessages([{ platform: 'telegram', platformChatId: '-1007', dedupeKey: unique('k'), payload: { text: '另一个群' } }]);
    await waitFor(() => sender.to('-1006').length === 3 && sender.to('-1007').length === 1, 10_000, 'all sent');
    const one = sender.to('-1006');
    expect(one.map((d) => d.text)).toEqual(['第1条', '第2条', '第3条']);
    expect(one[1]!.at - one[0]!.at).toBeGreaterThanOrEqual(380);
    expect(one[2]!.at - one[1]!.at).toBeGreaterThanOrEqual(380);
    // The other chat did not wait behind the limited one.
    expect(sender.to('-1007')[0]!.at).toBeLessThan(one[2]!.at);
  });

  it('holds messages for a platform whose adapter is not running and sends them once it is', async () => {
    const wechat = new RecordingSender('wechat');
    const telegram = new RecordingSender('telegram');
    const prefix = uniqueName('jobs');
    const registryDeps = deps(database, eventCore(), redisUrl(), [telegram]);
    const jobs = await startJobs(registryDeps, { prefix, limits: noLimits, sendBackoffMs: 100 });
    started.push(jobs);
    const key = unique('k');
    await jobs.queueMessages([{ platform: 'wechat', platformChatId: 'room@chatroom', dedupeKey: key, payload: { text: '等微信上线' } }]);
    await sleep(400);
    expect((await outboxRow(database, key))?.status).toBe('pending');
    registryDeps.senders.register(wechat);
    await waitFor(async () => (await outboxRow(database, key))?.status === 'sent', 10_000, 'sent');
    expect(wechat.delivered.map((d) => d.text)).toEqual(['等微信上线']);
  });

  it('marks an outbox row with an invalid payload failed instead of sending it', async () => {
    const key = unique('bad');
    const [row] = await database.db.insert(s.outboundMessages).values({ platform: 'telegram', platformChatId: '-1008', dedupeKey: key, payload: { nope: 1 } }).returning();
    const sender = new RecordingSender('telegram');
    await start(sender);
    await waitFor(async () => (await outboxRow(database, key))?.status === 'failed', 10_000, 'failed');
    expect(sender.to('-1008')).toHaveLength(0);
    const [after] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.id, row!.id));
    expect(after!.lastError).toBe('invalid payload');
  });

  it('fails a job whose payload is invalid at once, without retrying it', async () => {
    const sender = new RecordingSender('telegram');
    const jobs = await start(sender, { timerAttempts: 5, sendAttempts: 5 });
    const timer = await jobs.timers.add('poll-close', { pollId: 'seven' }, { jobId: unique('bad-timer') });
    const send = await jobs.send.add('send', { outboxId: -1 }, { jobId: unique('bad-send') });
    for (const [queue, job] of [[jobs.timers, timer], [jobs.send, send]] as const) {
      const failed = await waitFor(async () => {
        const j = await queue.getJob(job.id!);
        return (await j?.isFailed()) ? j : undefined;
      }, 10_000, 'failed');
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/payload/);
    }
    expect(sender.calls).toBe(0);
  });
});
