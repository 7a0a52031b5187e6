/** Exactly once per platform update, and membership by writing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { makeWorld, press, replyText, say, snapshot } from './helpers.js';

describe('update keys and membership', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('changes nothing when the same update is delivered twice, even concurrently', async () => {
    const w = await makeWorld(database);
    const first = await say(w, '张三', '/suggest 修路', { updateKey: 'u-1' });
    expect(replyText(first)).toContain('#1');
    const before = await snapshot(database);
    expect(await say(w, '张三', '/suggest 修路', { updateKey: 'u-1' })).toEqual({ stored: true, duplicate: true, replies: [] });
    expect(await snapshot(database)).toBe(before);
    const twins = await Promise.all([say(w, '李四', '/support 1', { updateKey: 'u-2' }), say(w, '李四', '/support 1', { updateKey: 'u-2' })]);
    expect(twins.filter((o) => o.duplicate)).toHaveLength(1);
    expect(twins.filter((o) => replyText(o).includes('1/2'))).toHaveLength(1);
    const [row] = await database.db.select().from(s.processedUpdates).where(eq(s.processedUpdates.updateKey, 'u-2'));
    expect(row.replies).toEqual([{ text: expect.stringContaining('1/2') }]);
  });

  it('deduplicates a button press by its update key', async () => {
    const w = await makeWorld(database);
    await say(w, '张三', '/suggest 修路');
    const poll = await say(w, 'staff', '/poll 1');
    const data = poll.replies[0].buttons![0][0].data;
    expect((await press(w, '李四', data, { updateKey: 'cb-1' })).toast).toBe('已投：同意');
    expect((await press(w, '李四', data, { updateKey: 'cb-1' })).duplicate).toBe(true);
    const audits = await database.db.select().from(s.auditLog).where(eq(s.auditLog.action, 'ballot.cast'));
    expect(audits.filter((a) => (a.data as { pollId: number }).pollId === poll.replies[0].pollId)).toHaveLength(1);
  });

  it('makes a chatting neighbour a resident once, with an audit row, and stays silent', async () => {
    const w = await makeWorld(database);
    expect(await say(w, '路人甲', '大家好')).toEqual({ stored: true, ignored: true, replies: [] });
    expect(await say(w, '路人甲', '吃了吗')).toEqual({ stored: true, ignored: true, replies: [] });
    const joined = await database.db.select().from(s.auditLog).where(eq(s.auditLog.action, 'member.joined'));
    expect(joined.filter((a) => a.communityId === w.communityId)).toHaveLength(1);
    const roles = await database.db.select().from(s.roles).where(eq(s.roles.communityId, w.communityId));
    expect(roles).toHaveLength(2); // staff and 路人甲
  });

  it('writes one audit row per state change', async () => {
    const w = await makeWorld(database);
    const count = async () => (await database.db.select().from(s.auditLog).where(eq(s.auditLog.communityId, w.communityId))).length;
    const a = await count();
    await say(w, '张三', '/suggest 修路');
    expect((await count()) - a).toBe(1);
    await say(w, '张三', '/list');
    expect((await count()) - a).toBe(1); // reading changes nothing
    await say(w, '新人', '/list');
    expect((await count()) - a).toBe(2); // but joining is a change
  });

  it('keeps every reply within 4096 characters', async () => {
    const w = await makeWorld(database);
    for (let i = 0; i < 45; i++) await say(w, '张三', `/suggest ${'很长的提议'.repeat(99)}${i}`);
    const list = await say(w, '张三', '/list');
    expect(replyText(list).length).toBeLessThanOrEqual(4096);
    expect(replyText(list)).toContain('#45');
    const show = await say(w, '张三', '/show 45');
    expect(replyText(show).length).toBeLessThanOrEqual(4096);
  });
});
