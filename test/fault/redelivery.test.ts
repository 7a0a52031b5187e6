/**
 * The same updates delivered twice: after the app process has handled and acknowledged a burst of
 * commands and presses, it is stopped, Telegram re-delivers every one of them (same update_id) to a new
 * process, and nothing changes: no row, no audit entry, no second message in the chat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredQueries, GROUP, openPoll, resident, STAFF, startStack, type Stack } from './stack.js';
import { GUARDED_TABLES, snapshotQuery } from './world.js';

describe('the same updates delivered twice', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const state = async () => {
    const rows = await stack.sql.unsafe(snapshotQuery([...GUARDED_TABLES, 'processed_updates']));
    return Object.fromEntries(rows.map((r) => [r.name, `${r.n}:${r.digest}`]));
  };

  it('changes nothing and sends nothing the second time', { timeout: 120_000 }, async () => {
    const { fake } = stack;
    await stack.start();
    const updates: any[] = [];
    const { messageId, data, update } = await openPoll(fake);
    updates.push(update);
    const ids: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const u = fake.press(GROUP, resident(i), messageId, data[i % 3]!);
      updates.push(u);
      ids.push(String(u.callback_query.id));
    }
    for (let i = 1; i <= 5; i++) updates.push(fake.press(GROUP, resident(i), messageId, data[(i + 1) % 3]!));
    updates.push(fake.sendText(GROUP, resident(21), '/suggest 小区门口加装减速带'));
    updates.push(fake.sendText(GROUP, resident(22), '/support 2'));
    updates.push(fake.sendText(GROUP, resident(23), '/comment 2 支持，孩子上学安全'));
    updates.push(fake.sendText(GROUP, STAFF, '/progress 1 10 开工'));
    await fake.waitFor(() => fake.pendingUpdates().length === 0 && ids.every((id) => answeredQueries(fake).has(id)), 60000, 'everything handled and acknowledged');
    const all = updates;

    // A stop first sends the replies still queued for the group (paced per chat), marks them delivered,
    // then exits: the state to keep is taken after it.
    await stack.app!.kill('SIGTERM');
    const before = await state();
    expect(before.processed_updates!.startsWith(`${updates.length}:`)).toBe(true);
    const [{ n: kept }] = await stack.sql`select count(*)::int as n from processed_updates where delivery is not null and delivered_at is null`;
    expect(kept, 'every reply sent at the stop is marked delivered').toBe(0);
    const sentBefore = fake.callsOf('sendMessage').length;
    const answersBefore = fake.callsOf('answerCallbackQuery').length;
    fake.redeliver(all);
    expect(fake.pendingUpdates()).toHaveLength(all.length);
    await stack.start();
    await fake.waitFor(() => fake.pendingUpdates().length === 0, 60000, 'the re-delivered updates acknowledged');

    expect(await state(), 'no row changed, processed_updates included').toEqual(before);
    expect(fake.callsOf('sendMessage').slice(sentBefore), 'no second reply').toEqual([]);
    // Every re-delivered press is answered again (Telegram refuses the late answer; the bot only logs it).
    expect(fake.callsOf('answerCallbackQuery').length - answersBefore).toBe(25);
  });
});
