import { afterEach, describe, expect, it } from 'vitest';
import { SendQueue, SendQueueClosedError } from '../../bots/wechat/send-queue.js';
import { PermanentSendError } from '../../src/messaging/port.js';
import { silentLogger } from '../../src/lib/logger.js';

interface Sent { to: string; text: string; at: number }

function makeQueue(opts: { intervalMs?: number; globalIntervalMs?: number; maxAttempts?: number; fail?: (to: string, text: string, attempt: number) => Error | undefined } = {}) {
  const sent: Sent[] = [];
  const attempts = new Map<string, number>();
  const queue = new SendQueue({
    intervalMs: opts.intervalMs ?? 5,
    globalIntervalMs: opts.globalIntervalMs ?? 0,
    maxAttempts: opts.maxAttempts ?? 4,
    retryBaseMs: 5,
    logger: silentLogger,
    async send(to, text) {
      const n = (attempts.get(text) ?? 0) + 1;
      attempts.set(text, n);
      const err = opts.fail?.(to, text, n);
      if (err) throw err;
      sent.push({ to, text, at: Date.now() });
      return `id-${sent.length}`;
    },
  });
  return { queue, sent, attempts };
}

let open: SendQueue[] = [];
afterEach(async () => {
  await Promise.all(open.map((q) => q.close(0)));
  open = [];
});

describe('the WeChat send queue', () => {
  it('sends the messages of one room in order with at least the minimum interval between them', async () => {
    const { queue, sent } = makeQueue({ intervalMs: 40 });
    open.push(queue);
    const ids = await Promise.all(['一', '二', '三', '四'].map((t) => queue.enqueue('room-a', t)));
    expect(sent.map((s) => s.text)).toEqual(['一', '二', '三', '四']);
    expect(ids).toEqual(['id-1', 'id-2', 'id-3', 'id-4']);
    for (let i = 1; i < sent.length; i++) expect(sent[i].at - sent[i - 1].at).toBeGreaterThanOrEqual(38);
  });

  it('keeps a gap between sends to different rooms too', async () => {
    const { queue, sent } = makeQueue({ intervalMs: 0, globalIntervalMs: 30 });
    open.push(queue);
    await Promise.all([queue.enqueue('room-a', 'a'), queue.enqueue('room-b', 'b'), queue.enqueue('room-c', 'c')]);
    const times = sent.map((s) => s.at).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(28);
  });

  it('retries a failed send before the next message of that room, sending each message exactly once', async () => {
    const { queue, sent, attempts } = makeQueue({ fail: (_to, text, n) => (text === '二' && n < 3 ? new Error('操作过于频繁') : undefined) });
    open.push(queue);
    await Promise.all(['一', '二', '三'].map((t) => queue.enqueue('room-a', t)));
    expect(sent.map((s) => s.text)).toEqual(['一', '二', '三']);
    expect(attempts.get('二')).toBe(3);
    expect(attempts.get('三')).toBe(1);
  });

  it('gives up after the last attempt and goes on with the next message', async () => {
    const { queue, sent, attempts } = makeQueue({ maxAttempts: 2, fail: (_to, text) => (text === 'bad' ? new Error('down') : undefined) });
    open.push(queue);
    const bad = queue.enqueue('room-a', 'bad');
    const good = queue.enqueue('room-a', 'good');
    await expect(bad).rejects.toThrow('down');
    await expect(good).resolves.toBe('id-1');
    expect(attempts.get('bad')).toBe(2);
    expect(sent.map((s) => s.text)).toEqual(['good']);
  });

  it('does not retry a permanent failure', async () => {
    const { queue, attempts } = makeQueue({ fail: () => new PermanentSendError('room gone') });
    open.push(queue);
    await expect(queue.enqueue('gone', 'x')).rejects.toBeInstanceOf(PermanentSendError);
    expect(attempts.get('x')).toBe(1);
  });

  it('after close, refuses new messages and gives up queued ones so nothing keeps the process alive', async () => {
    const { queue, sent } = makeQueue({ intervalMs: 10_000 });
    const first = queue.enqueue('room-a', 'first');
    const second = queue.enqueue('room-a', 'second');
    await first;
    await queue.close(20);
    await expect(second).rejects.toBeInstanceOf(SendQueueClosedError);
    await expect(queue.enqueue('room-a', 'late')).rejects.toBeInstanceOf(SendQueueClosedError);
    expect(sent.map((s) => s.text)).toEqual(['first']);
    expect(queue.pending).toBe(0);
  });
});

describe('the WeChat send queue when WeChat says "too frequent"', () => {
  it('pauses every room for the time asked, then sends each message once', async () => {
    const { RateLimitedError } = await import('../../src/messaging/port.js');
    let failedAt = 0;
    const { queue, sent, attempts } = makeQueue({
      fail: (_to, text, n) => {
        if (text !== 'a1' || n !== 1) return undefined;
        failedAt = Date.now();
        return new RateLimitedError(150);
      },
    });
    open.push(queue);
    await Promise.all([queue.enqueue('room-a', 'a1'), queue.enqueue('room-b', 'b1')]);
    expect(attempts.get('a1')).toBe(2);
    expect(sent.map((s) => s.text).sort()).toEqual(['a1', 'b1']);
    for (const s of sent) expect(s.at - failedAt).toBeGreaterThanOrEqual(145);
  });
});
