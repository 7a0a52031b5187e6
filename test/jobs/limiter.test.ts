/** The send limiter's overall window: turns in the order asked, and never more real sends in a window than allowed. */
import { describe, expect, it } from 'vitest';
import { SendLimiter, type PlatformLimits } from '../../jobs/limiter.js';

const limits = (globalMax: number): Record<'telegram' | 'wechat' | 'console', PlatformLimits> => ({
  telegram: { perChat: [{ max: 1, durationMs: 1000 }], global: [{ max: globalMax, durationMs: 1000 }] },
  wechat: { perChat: [], global: [] },
  console: { perChat: [], global: [] },
});

describe('send limiter', () => {
  it('gives messages that find the window full their turns in the order they asked, staggered, not all at once', () => {
    const l = new SendLimiter(limits(3));
    for (const id of [1, 2, 3]) {
      expect(l.slot('telegram', `c${id}`, id, 0)).toBe(0);
      l.sent('telegram', id, 0);
    }
    const turns = [10, 11, 12, 13, 14, 15, 16].map((id) => l.slot('telegram', `c${id}`, id, 10));
    expect(turns).toEqual([1000, 1000, 1000, 2000, 2000, 2000, 3000]);
    // A message asking later queues behind all of them even if it asks exactly at a free turn.
    expect(l.slot('telegram', 'c99', 99, 1000)).toBe(3000);
  });

  it('never lets more than `max` real sends into any window, whatever order and delay the messages come back with', () => {
    const max = 5;
    const l = new SendLimiter(limits(max));
    const sends: number[] = [];
    // 60 messages, each to its own chat, asking at random times and coming back 0-40 ms after their turn.
    const waiting = Array.from({ length: 60 }, (_, i) => ({ id: i + 1, at: Math.floor(Math.random() * 300) }));
    let guard = 0;
    while (waiting.length && guard++ < 10000) {
      waiting.sort((a, b) => a.at - b.at);
      const m = waiting.shift()!;
      const turn = l.slot('telegram', `chat${m.id}`, m.id, m.at);
      if (turn <= m.at) {
        l.sent('telegram', m.id, m.at);
        sends.push(m.at);
      } else {
        waiting.push({ id: m.id, at: turn + Math.floor(Math.random() * 40) });
      }
    }
    expect(sends).toHaveLength(60);
    sends.sort((a, b) => a - b);
    for (let i = max; i < sends.length; i++) expect(sends[i]! - sends[i - max]!).toBeGreaterThanOrEqual(1000);
    // Close to the allowed rate: 60 sends at 5 a second take about 11 windows, not many more.
    expect(sends.at(-1)! - sends[0]!).toBeLessThan(13_000);
  });

  it('gives a turn away when its message never comes back', () => {
    const l = new SendLimiter(limits(1));
    expect(l.slot('telegram', 'a', 1, 0)).toBe(0);
    l.sent('telegram', 1, 0);
    expect(l.slot('telegram', 'b', 2, 10)).toBe(1000); // promised, never comes back
    expect(l.slot('telegram', 'c', 3, 20)).toBe(2000);
    // Long after both turns: message 3 does not wait behind the forgotten promise of message 2.
    expect(l.slot('telegram', 'c', 3, 9000)).toBe(9000);
  });
});
