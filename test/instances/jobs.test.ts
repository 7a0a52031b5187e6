/**
 * Jobs on three instances started at once on one Postgres and one Redis: the start-up reconcile runs
 * under one advisory lock at a time, so each community's chair scheduler and each poll's deadline job
 * exist once; and a broadcast sent by the workers of all three stays within Telegram's 30 messages a
 * second in total, because the send limits are kept in Redis.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { fixtures } from '../support/fake-bot-api.js';
import { freshDatabaseUrl, tempDir } from '../support/services.js';
import { startCluster, type Cluster } from './cluster.js';

const COMMUNITIES = 6;
const CHATS = 150;
const chatId = (i: number) => -100888000000 - i;

/** The largest number of sends in any one-second window. */
function busiestSecond(stamps: number[]): number {
  const s = [...stamps].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i]! - s[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('jobs on three instances started at once', () => {
  let cluster: Cluster;
  const pollIds: number[] = [];
  const communityIds: number[] = [];
  beforeAll(async () => {
    cluster = await startCluster({
      databaseUrl: await freshDatabaseUrl(),
      tempDir,
      migrate: async (url) => (await openDatabase({ databaseUrl: url, dataDir: tempDir() })).close(),
    });
    const { sql, fake } = cluster;
    for (let i = 1; i <= COMMUNITIES; i++) {
      const [c] = await sql`insert into communities (slug, name) values (${`c${i}`}, ${`社区${i}`}) returning id`;
      communityIds.push(c!.id);
      await sql`insert into council_units (community_id, name, position) values (${c!.id}, '物业公司', 1), (${c!.id}, '业委会', 2)`;
      const [chat] = await sql`insert into chats (platform, platform_chat_id, kind, title, community_id, bound_at)
        values ('telegram', ${String(-100999000 - i)}, 'group', ${`群${i}`}, ${c!.id}, now()) returning id`;
      const [p] = await sql`insert into persons (display_name) values (${`主任${i}`}) returning id`;
      const [s] = await sql`insert into suggestions (community_id, number, author_id, chat_id, text, stage)
        values (${c!.id}, 1, ${p!.id}, ${chat!.id}, '修缮车棚', 'voting') returning id`;
      const [poll] = await sql`insert into polls (suggestion_id, kind, status, chat_id, deadline)
        values (${s!.id}, 'vote', 'open', ${chat!.id}, now() + interval '2 days') returning id`;
      await sql`insert into poll_choices (poll_id, position, label) values (${poll!.id}, 1, '同意'), (${poll!.id}, 2, '反对'), (${poll!.id}, 3, '弃权')`;
      pollIds.push(poll!.id);
    }
    // A broadcast waiting in the outbox: every instance's reconcile enqueues it, every worker sends.
    for (let i = 1; i <= CHATS; i++) {
      fake.addChat(fixtures.group(chatId(i), `通知群${i}`));
      await sql`insert into outbound_messages (platform, platform_chat_id, dedupe_key, payload)
        values ('telegram', ${String(chatId(i))}, ${`broadcast-${i}`}, ${sql.json({ text: `停水通知 ${i}` })})`;
    }
    await cluster.startInstances(3);
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('leaves one chair scheduler per community and one deadline job per poll', async () => {
    const connection = new Redis(cluster.redis.url, { maxRetriesPerRequest: null });
    const timers = new Queue('timers', { connection, prefix: 'yishi' });
    try {
      const schedulers = (await timers.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key);
      const chairs = schedulers.filter((id) => id.startsWith('chair-')).sort();
      expect(chairs).toEqual(communityIds.map((id) => `chair-${id}`).sort());
      expect(schedulers.filter((id) => id === 'sync')).toHaveLength(1);
      const jobs = await timers.getJobs(['delayed', 'waiting', 'prioritized']);
      const perScheduler = new Map<string, number>();
      for (const j of jobs.filter((j) => j.name === 'chair-announce')) {
        const key = `chair-${j.data.communityId}`;
        perScheduler.set(key, (perScheduler.get(key) ?? 0) + 1);
      }
      expect([...perScheduler.values()].every((n) => n === 1) && perScheduler.size === COMMUNITIES, JSON.stringify([...perScheduler])).toBe(true);
      const closes = jobs.filter((j) => j.name === 'poll-close').map((j) => j.data.pollId as number).sort((a, b) => a - b);
      expect(closes).toEqual([...pollIds].sort((a, b) => a - b));
    } finally {
      await timers.close();
      await connection.quit();
    }
  });

  it('sends a broadcast from all three within 30 messages a second in total', { timeout: 180_000 }, async () => {
    const { fake, sql } = cluster;
    const broadcast = new Set(Array.from({ length: CHATS }, (_, i) => chatId(i + 1)));
    const sent = () => fake.callsOf('sendMessage').filter((c) => c.ok && broadcast.has(Number(c.payload.chat_id)));
    await fake.waitFor(() => sent().length >= CHATS, 150_000, `${CHATS} broadcast messages sent`);
    // A send is marked in the outbox just after the platform answered it: wait for the last marks.
    const unsent = async () => (await sql`select count(*) filter (where status <> 'sent')::int as pending from outbound_messages`)[0]!.pending as number;
    for (const until = Date.now() + 20_000; (await unsent()) > 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
    expect(await unsent()).toBe(0);
    expect(new Set(sent().map((c) => Number(c.payload.chat_id))).size, 'each chat once').toBe(CHATS);
    expect(sent()).toHaveLength(CHATS);
    const messages = fake.calls.filter((c) => c.ok && /^send(?!ChatAction)/.test(c.method)).map((c) => c.at);
    expect(busiestSecond(messages)).toBeLessThanOrEqual(30);
    // At 30 a second the broadcast takes about five seconds; much slower would mean the instances idled.
    const at = sent().map((c) => c.at);
    expect(Math.max(...at) - Math.min(...at)).toBeGreaterThan(4000);
  });
});
