import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createCore } from '../../src/core/index.js';
import type { Core, Incoming } from '../../src/kernel/types.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { startJobs } from '../../jobs/index.js';
import { redisUrl, uniqueName } from '../support/services.js';
import { deps, outboxRow, RecordingSender, sleep, testConfig, unique, waitFor, jobsHarness } from './support.js';

const MIN_POLL_MS = 60e3;

/**
 * A community run through the real core. The core's clock runs `lagMs` behind the real one, so a
 * `/poll <n> 1m` (the shortest allowed, as the issue demands) gets a deadline a couple of seconds from now.
 */
async function neighbourhood(database: Database, lagMs: number) {
  const core = createCore({ database, config: testConfig(), now: () => new Date(Date.now() - lagMs) });
  const slug = unique('c');
  const chatId = unique('-100');
  const [community] = await database.db.insert(s.communities).values({ slug, name: '幸福社区' }).returning();
  const [staff] = await database.db.insert(s.persons).values({ displayName: '王主任' }).returning();
  const staffUser = unique('staff');
  await database.db.insert(s.identities).values({ personId: staff!.id, platform: 'telegram', platformUserId: staffUser });
  await database.db.insert(s.roles).values({ communityId: community!.id, personId: staff!.id, role: 'staff' });
  const say = (user: string, text: string): Promise<ReturnType<Core['handle']> extends Promise<infer O> ? O : never> =>
    core.handle({ platform: 'telegram', chat: { platformChatId: chatId, kind: 'group' }, sender: { platformUserId: user, displayName: user }, text } satisfies Incoming);
  expect((await say(staffUser, `/bind ${slug}`)).errorCode).toBeUndefined();
  return { core, chatId, staffUser, say, community: community! };
}

describe('poll deadlines', () => {
  const harness = jobsHarness();
  const started = harness.started;
  let database: Database;
  beforeAll(() => { database = harness.database; });

  async function start(core: Core, sender: RecordingSender) {
    const jobs = await startJobs(deps(database, core, redisUrl(), [sender]), { prefix: uniqueName('jobs') });
    started.push(jobs);
    return jobs;
  }

  it('closes a poll by itself at its deadline and posts each choice with its count to the chat', async () => {
    const n = await neighbourhood(database, MIN_POLL_MS - 2000);
    const sender = new RecordingSender('telegram');
    await start(n.core, sender);
    await n.say(unique('u'), '/suggest 东门路灯坏了');
    const opened = await n.say(n.staffUser, '/poll 1 1m');
    expect(opened.errorCode).toBeUndefined();
    const pollId = opened.replies[0]!.pollId!;
    await n.say(unique('a'), '/vote 1 1');
    await n.say(unique('b'), '/vote 1 1');
    await n.say(unique('c'), '/vote 1 3');

    const [result] = await waitFor(() => (sender.to(n.chatId).length ? sender.to(n.chatId) : undefined), 10_000, 'the result');
    expect(result!.text).toMatch(/同意\D*2/);
    expect(result!.text).toMatch(/反对\D*0/);
    expect(result!.text).toMatch(/弃权\D*1/);
    const [poll] = await database.db.select().from(s.polls).where(eq(s.polls.id, pollId));
    expect(poll!.status).toBe('closed');
    expect(poll!.closedBy).toBeNull();
    expect((await outboxRow(database, `poll-result-${pollId}`))?.status).toBe('sent');
    await sleep(500);
    expect(sender.to(n.chatId)).toHaveLength(1);
  });

  it('does nothing at the deadline of a poll closed by hand first: the one result is the /close reply', async () => {
    const n = await neighbourhood(database, MIN_POLL_MS - 1500);
    const sender = new RecordingSender('telegram');
    const jobs = await start(n.core, sender);
    await n.say(unique('u'), '/suggest 小区门口加装减速带');
    const opened = await n.say(n.staffUser, '/poll 1 1m');
    const pollId = opened.replies[0]!.pollId!;
    await n.say(unique('a'), '/vote 1 2');
    await jobs.settled();
    expect(await jobs.timers.getJob(`poll-close-${pollId}`)).toBeTruthy();
    const closed = await n.say(n.staffUser, '/close 1');
    expect(closed.errorCode).toBeUndefined();
    expect(closed.replies).toHaveLength(1);
    expect(closed.replies[0]!.text).toMatch(/反对\D*1/);
    await jobs.settled();
    // The deadline job went away with the manual close.
    expect(await jobs.timers.getJob(`poll-close-${pollId}`)).toBeUndefined();
    await sleep(2500);
    expect(sender.to(n.chatId)).toHaveLength(0);
    expect(await outboxRow(database, `poll-result-${pollId}`)).toBeUndefined();
    const [poll] = await database.db.select().from(s.polls).where(eq(s.polls.id, pollId));
    expect(poll!.closedBy).not.toBeNull();
  });

  it('closes at start a poll whose deadline passed while the app was down, and posts its result', async () => {
    const n = await neighbourhood(database, MIN_POLL_MS - 500);
    await n.say(unique('u'), '/suggest 增设快递柜');
    const opened = await n.say(n.staffUser, '/poll 1 1m');
    const pollId = opened.replies[0]!.pollId!;
    await n.say(unique('a'), '/vote 1 1');
    await sleep(1000);
    const [before] = await database.db.select().from(s.polls).where(eq(s.polls.id, pollId));
    expect(before!.status).toBe('open');

    const sender = new RecordingSender('telegram');
    await start(n.core, sender);
    const [result] = await waitFor(() => (sender.to(n.chatId).length ? sender.to(n.chatId) : undefined), 10_000, 'the result');
    expect(result!.text).toMatch(/同意\D*1/);
    const [after] = await database.db.select().from(s.polls).where(eq(s.polls.id, pollId));
    expect(after!.status).toBe('closed');
  });

  it('posts the result of a poll closed at its deadline by a process that died before sending it', async () => {
    const n = await neighbourhood(database, MIN_POLL_MS - 200);
    await n.say(unique('u'), '/suggest 小区门口加装减速带');
    const opened = await n.say(n.staffUser, '/poll 1 1m');
    const pollId = opened.replies[0]!.pollId!;
    await n.say(unique('a'), '/vote 1 2');
    await sleep(500);
    // The close commits, then the process dies before the jobs hand the result to the send queue.
    const closed = await n.core.closeDuePoll(pollId, new Date());
    expect(closed?.to.platformChatId).toBe(n.chatId);
    expect((await outboxRow(database, `poll-result-${pollId}`))?.status).toBe('pending');

    const sender = new RecordingSender('telegram');
    await start(n.core, sender);
    const [result] = await waitFor(() => (sender.to(n.chatId).length ? sender.to(n.chatId) : undefined), 10_000, 'the result');
    expect(result!.text).toMatch(/反对\D*1/);
    await sleep(500);
    expect(sender.to(n.chatId)).toHaveLength(1);
  });
});
