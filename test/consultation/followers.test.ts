/** Followers told privately: authors and supporters by default, /follow and /unfollow, one message each, a follower who never started the bot skipped. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { makeWorld, replyText, say, snapshot, uid } from '../core/helpers.js';
import { dm, outboxTo, start } from '../whistle/support.js';

describe('followers', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('tells the author, supporters and followers privately of progress, the result and the rating, and no one after /unfollow', async () => {
    const w = await makeWorld(database, { threshold: 5 });
    for (const who of ['张三', '李四', '王五']) await start(w, who);
    await say(w, '张三', '/suggest 小区门口加装减速带');
    await say(w, '李四', '/support 1');
    await say(w, '赵六', '/support 1'); // never started the bot: skipped quietly
    expect(replyText(await say(w, '王五', '关注 1'))).toContain('已关注 #1');
    expect(replyText(await say(w, '李四', '取消关注 1'))).toContain('已取消关注 #1');

    // Bad input: one reply, nothing changed.
    const before = await snapshot(database);
    expect((await say(w, '王五', '/follow 99')).errorCode).toBe('UNKNOWN_SUGGESTION');
    expect((await say(w, '王五', '/follow 1')).errorCode).toBe('ALREADY_FOLLOWING');
    expect((await say(w, '李四', '/unfollow 1')).errorCode).toBe('NOT_FOLLOWING');
    expect((await say(w, '王五', '/follow abc')).errorCode).toBe('BAD_NUMBER');
    expect(await snapshot(database)).toBe(before);

    await say(w, 'staff', '/poll 1');
    await say(w, '张三', '/vote 1 1');
    await say(w, '王五', '/vote 1 1');
    await say(w, 'staff', '/close 1');
    await say(w, 'staff', '/progress 1 50 已采购材料');
    await say(w, 'staff', '/done 1');

    const zhang = await outboxTo(database, dm(w, '张三'));
    const wang = await outboxTo(database, dm(w, '王五'));
    expect(zhang.map((m) => m.key.replace(/-person-\d+$/, ''))).toEqual([expect.stringMatching(/^follow-\d+-result-\d+$/), expect.stringMatching(/^follow-\d+-progress-\d+$/), expect.stringMatching(/^follow-\d+-rating-\d+$/)]);
    expect(wang).toHaveLength(3);
    expect(zhang[0]!.text).toContain('#1');
    expect(zhang[0]!.text).toContain('同意 2');
    expect(zhang[1]!.text).toContain('50%');
    expect(await outboxTo(database, dm(w, '李四'))).toEqual([]);
    // The rating notice carries one button per level.
    const [rating] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.dedupeKey, wang[2]!.key));
    expect((rating!.payload as { buttons: { data: string }[][] }).buttons.flat().map((b) => b.data)).toEqual([expect.stringMatching(/^r:\d+:1$/), expect.stringMatching(/^r:\d+:2$/), expect.stringMatching(/^r:\d+:3$/)]);
    // One tap in the private chat rates.
    const data = (rating!.payload as { buttons: { data: string }[][] }).buttons[0]![0]!.data;
    const tapped = await w.core.handle({ platform: 'telegram', chat: { platformChatId: dm(w, '王五'), kind: 'private' }, sender: { platformUserId: uid(w, '王五'), displayName: '王五' }, button: data });
    expect(tapped.errorCode).toBeUndefined();
    expect(await database.db.select().from(s.ratings)).toHaveLength(1);
    // Nothing for 赵六, who never started the bot; nothing written for nobody.
    const all = await database.db.select().from(s.outboundMessages);
    expect(all.filter((m) => m.dedupeKey.startsWith('follow-')).length).toBe(6);
  });
});
