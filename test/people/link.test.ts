/** /link: two platform identities become one person, with one ballot per poll. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { makeWorld, replyText, say, type World } from '../core/helpers.js';

const wechat = (w: World, who: string) => ({
  platform: 'wechat' as const,
  chat: { platformChatId: `wx-${w.slug}`, kind: 'group' as const },
  sender: { platformUserId: `wx-${who}-${w.slug}`, displayName: who },
});

describe('linking identities', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('merges the WeChat person into the Telegram one, keeping the later ballot and one support', async () => {
    const w = await makeWorld(database, { threshold: 5 });
    // Bind a WeChat group of the same community.
    // The staff person also has a WeChat identity (as if linked before).
    await database.db.execute(
      sql`insert into identities (person_id, platform, platform_user_id, display_name)
        select person_id, 'wechat', ${'staff-wx2-' + w.slug}, '社工' from identities where platform_user_id = ${'staff-' + w.slug}`,
    );
    const bound = await w.core.handle({ ...wechat(w, 'x'), sender: { platformUserId: 'staff-wx2-' + w.slug, displayName: '社工' }, text: `/bind ${w.slug}` });
    expect(bound.errorCode).toBeUndefined();

    await say(w, '作者', '/suggest 修东门路灯');
    await say(w, '张三', '/support 1'); // Telegram 张三 supports
    const wx = (text: string) => w.core.handle({ ...wechat(w, '张三'), text });
    expect((await wx('/support 1')).errorCode).toBeUndefined(); // WeChat 张三, still a different person: 2/5
    const poll = await say(w, 'staff', '/poll 1');
    await say(w, '张三', '/vote 1 反对');
    w.clock.advance(60e3);
    await wx('/vote 1 同意'); // the later ballot

    const code = /([A-Z0-9]{6})/.exec(replyText(await say(w, '张三', '/link')))![1];
    const codeReply = (await say(w, '张三', '/link')).replies[0];
    expect(codeReply.to).toBe('private');
    const linked = await wx(`/link ${code}`);
    expect(linked.errorCode).toBeUndefined();
    expect(replyText(linked)).toContain('张三');

    const tg = await database.db.select().from(s.identities).where(eq(s.identities.platformUserId, `张三-${w.slug}`));
    const wxId = await database.db.select().from(s.identities).where(eq(s.identities.platformUserId, `wx-张三-${w.slug}`));
    expect(wxId[0].personId).toBe(tg[0].personId);
    const ballots = await database.db.select().from(s.ballots).where(eq(s.ballots.pollId, poll.replies[0].pollId!));
    const mine = ballots.filter((b) => b.personId === tg[0].personId);
    expect(mine).toHaveLength(1);
    expect(mine[0].choice).toBe(1); // 同意, the later one
    const [sug] = await database.db.select().from(s.suggestions).where(and(eq(s.suggestions.communityId, w.communityId), eq(s.suggestions.number, 1)));
    expect(sug.supportCount).toBe(1);
    const roles = await database.db.select().from(s.roles).where(eq(s.roles.personId, wxId[0].personId));
    expect(roles).toHaveLength(1);
    const audit = await database.db.select().from(s.auditLog).where(eq(s.auditLog.action, 'identity.linked'));
    expect(audit).toHaveLength(1);

    // The code is used up, and the same person cannot link to itself.
    expect((await wx(`/link ${code}`)).errorCode).toBe('BAD_CODE');
    const code2 = /([A-Z0-9]{6})/.exec(replyText(await say(w, '张三', '/link')))![1];
    expect((await wx(`/link ${code2}`)).errorCode).toBe('ALREADY_LINKED');
    expect(replyText(await say(w, 'staff', '/close 1'))).toContain('同意 1 · 反对 0 · 弃权 0');
  });

  it('refuses an expired code', async () => {
    const w = await makeWorld(database);
    const code = /([A-Z0-9]{6})/.exec(replyText(await say(w, '李四', '/link')))![1];
    w.clock.advance(11 * 60e3);
    const out = await w.core.handle({ platform: 'wechat', chat: { platformChatId: 'dm-li', kind: 'private' }, sender: { platformUserId: 'wx-li', displayName: '李四' }, text: `/link ${code}` });
    expect(out.errorCode).toBe('BAD_CODE');
  });

  it('records the private chat on /start so reminders can reach the person', async () => {
    const w = await makeWorld(database);
    const out = await w.core.handle({ platform: 'telegram', chat: { platformChatId: 'dm-77', kind: 'private' }, sender: { platformUserId: `u77-${w.slug}`, displayName: '王五' }, text: '/start' });
    expect(replyText(out)).toContain('王五');
    const [id] = await database.db.select().from(s.identities).where(eq(s.identities.platformUserId, `u77-${w.slug}`));
    expect(id.privateChatId).toBe('dm-77');
  });
});
