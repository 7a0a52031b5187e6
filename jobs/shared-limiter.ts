/**
 * The platforms' send limits across every instance: the same windows as jobs/limiter.ts (per chat and
 * per platform), kept in Redis as one sorted set of send stamps per window and checked and taken in one
 * Lua script on Redis's clock, so N instances together stay within what one may send.
 *
 * The in-process SendLimiter still orders this instance's messages (FIFO per chat, turns promised in
 * order); this one only says "not yet" when the other instances have used the window.
 */
import type { Redis } from 'ioredis';
import type { Platform } from '../src/domain/platforms.js';
import type { PlatformLimits, Window } from './limiter.js';

/**
 * Counted windows are this much longer than the platform's: a send is stamped when it is taken here and
 * reaches the platform a little later, and two instances' requests may arrive closer together than
 * they were taken. 100 ms let 31 sends arrive within one second on a loaded CI machine; 250 ms absorbs
 * that jitter at the cost of throughput (30 per 1.25 s, about 24/s).
 */
export const SHARED_SLACK_MS = 250;

// KEYS: one sorted set per window. ARGV: max and duration of each window in KEYS order, then the member.
// Returns 0 when the send may go now (and stamps every window), else the milliseconds to wait.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[2 * i - 1])
  local dur = tonumber(ARGV[2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - dur)
  local n = redis.call('ZCARD', key)
  if n >= max then
    local oldest = redis.call('ZRANGE', key, n - max, n - max, 'WITHSCORES')
    local free = tonumber(oldest[2]) + dur - now + 1
    if free > wait then wait = free end
  end
end
if wait > 0 then return wait end
local member = ARGV[#ARGV]
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i]) + 1000)
end
return 0
`;

export class SharedSendLimiter {
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: Partial<Record<Platform, PlatformLimits>>,
  ) {
    redis.defineCommand('yishiTakeSendSlot', { lua: TAKE });
  }

  /**
   * Takes a send slot for `chatId` now, across all instances: 0 when the send may go now (it is counted),
   * else how many milliseconds to wait before asking again.
   */
  async take(platform: Platform, chatId: string, outboxId: number): Promise<number> {
    const limits = this.limits[platform];
    if (!limits) return 0;
    // One hash slot per platform, so the script's keys live together on a Redis cluster too.
    const base = `${this.prefix}:send-limit:{${platform}}`;
    const windows: [string, Window][] = [
      ...limits.global.map((w, i): [string, Window] => [`${base}:all:${i}`, w]),
      ...limits.perChat.map((w, i): [string, Window] => [`${base}:chat:${chatId}:${i}`, w]),
    ].filter(([, w]) => w.max > 0);
    if (!windows.length) return 0;
    const args = windows.flatMap(([, w]) => [w.max, w.durationMs + SHARED_SLACK_MS]);
    const member = `${outboxId}:${process.pid}:${++this.seq}`;
    const wait = await (this.redis as unknown as { yishiTakeSendSlot(n: number, ...a: (string | number)[]): Promise<number> }).yishiTakeSendSlot(
      windows.length,
      ...windows.map(([k]) => k),
      ...args,
      member,
    );
    return Number(wait);
  }
}
