/**
 * A burst of 429 answers on sends: the jobs' send queue (outbox + BullMQ + the Telegram sender) waits
 * retry_after and delivers every message exactly once; command replies during a burst are retried
 * and arrive once each.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/index.js';
import type { Database } from '../../src/db/client.js';
import { startJobs, type Jobs } from '../../jobs/index.js';
import type { TelegramBot } from '../../bots/telegram/index.js';
import { fixtures, startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { freshDatabase, uniqueName } from '../support/services.js';
import { startBot, testDeps, testLogger } from '../telegram/support/harness.js';

describe('a burst of 429s on sends', () => {
  let database: Database;
  let fake: FakeBotApi;
  let tg: TelegramBot;
  let jobs: Jobs;

  beforeAll(async () => {
    database = await freshDatabase();
    fake = await startFakeBotApi();
    const deps = testDeps(fake, database, undefined as never, { DATABASE_URL: (database as Database & { url: string }).url });
    deps.core = createCore({ database, config: deps.config, logger: testLogger });
    tg = await startBot(deps, fake, { setCommands: false });
    jobs = await startJobs(deps, { prefix: uniqueName('fault429') });
  });
  afterAll(async () => {
    await jobs?.stop();
    await tg?.stop();
    await fake?.close();
    await database?.close();
  });

  const okSendsTo = (chatId: number, since: number) =>
    fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && c.ok && Number(c.payload.chat_id) === chatId);

  it('delivers every queued message exactly once through 429s', { timeout: 60_000 }, async () => {
    const groups = Array.from({ length: 20 }, (_, i) => fixtures.group(-1007700000000 - i, `楼栋 ${i + 1}`));
    for (const g of groups) fake.sendText(g, fixtures.user(5_000_001, '居民'), '大家好');
    await fake.waitFor(() => fake.pendingUpdates().length === 0 || undefined, 15000, 'the chatter consumed').catch(() => undefined);
    const since = fake.calls.length;
    fake.failNext({ method: 'sendMessage', errorCode: 429, retryAfter: 1, times: 15 });
    await jobs.queueMessages(groups.map((g, i) => ({ platform: 'telegram' as const, platformChatId: String(g.id), dedupeKey: `burst-${i}`, payload: { text: `通知 ${i}` } })));
    await fake.waitFor(() => groups.every((g) => okSendsTo(g.id, since).length >= 1), 45000, 'every chat served');
    await new Promise((r) => setTimeout(r, 1500));
    const rejected = fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && c.errorCode === 429).length;
    expect(rejected).toBe(15);
    for (const [i, g] of groups.entries()) expect(okSendsTo(g.id, since).map((c) => c.payload.text), g.title).toEqual([`通知 ${i}`]);
    const rows = (await database.db.execute(sql`select status, count(*)::int as n from outbound_messages where dedupe_key like 'burst-%' group by status`)) as unknown as { status: string; n: number }[];
    expect([...rows]).toEqual([{ status: 'sent', n: 20 }]);
  });

  it('delivers each command reply once when the replies meet 429s', { timeout: 60_000 }, async () => {
    const group = fixtures.group(-1007800000000, '回复限流');
    const [c] = (await database.db.execute(sql`insert into communities (slug, name) values ('burst', '限流社区') returning id`)) as unknown as { id: number }[];
    await database.db.execute(sql`insert into chats (platform, platform_chat_id, kind, community_id, bound_at) values ('telegram', ${String(group.id)}, 'group', ${c!.id}, now())`);
    const since = fake.calls.length;
    fake.failNext({ method: 'sendMessage', errorCode: 429, retryAfter: 1, times: 4, when: (p) => Number(p.chat_id) === group.id });
    // Five different matters, so no reply names another as similar (only its own #n).
    const matters = ['东门路灯坏了', '三号楼电梯异响', '小区停车位不够', '楼道堆放杂物', '快递柜满了'];
    for (let i = 1; i <= 5; i++) fake.sendText(group, fixtures.user(5_100_000 + i, `居民${i}`), `/suggest ${matters[i - 1]}`);
    // A group short of budget gets its pending answers merged into fewer messages (one line each).
    const answered = () => okSendsTo(group.id, since).map((m) => String(m.payload.text)).join('\n');
    await fake.waitFor(() => [1, 2, 3, 4, 5].every((n) => answered().includes(`#${n}`)) || undefined, 45000, 'five answers');
    await new Promise((r) => setTimeout(r, 1500));
    for (let n = 1; n <= 5; n++) expect(answered().split(`#${n}`).length - 1, `#${n} answered once`).toBe(1);
    expect(fake.calls.slice(since).filter((x) => x.method === 'sendMessage' && x.errorCode === 429)).toHaveLength(4);
  });
});
