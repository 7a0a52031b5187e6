/** The role × command matrix: resident, this quarter's chair, staff; plus the author rule. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { quarterOf } from '../../src/domain/time.js';
import { config, makeWorld, replyText, say, uid, type World } from './helpers.js';

/** #1 raised, #2 raised, #3 voting, #4 approved; 主席 is the contact of this quarter's chair unit. */
async function stage(database: Database): Promise<World> {
  const w = await makeWorld(database, { threshold: 5 });
  await database.db.update(s.communities).set({ rotationStart: quarterOf(w.clock.current, config.YISHI_TZ) }).where(eq(s.communities.id, w.communityId));
  await database.db.insert(s.councilUnits).values({ communityId: w.communityId, name: '物业公司', position: 1, contactPlatform: 'telegram', contactUserId: uid(w, '主席') });
  await database.db.insert(s.councilUnits).values({ communityId: w.communityId, name: '业委会', position: 2 });
  for (const text of ['一', '二', '三', '四']) await say(w, '作者', `/suggest 提议${text}`);
  await say(w, 'staff', '/poll 3');
  await say(w, 'staff', '/poll 4');
  await say(w, '居民', '/vote 4 1');
  await say(w, 'staff', '/close 4');
  return w;
}

const chairOrStaff: Record<string, string> = {
  agenda: '/agenda 1',
  poll: '/poll 2 48h',
  close: '/close 3',
  meeting: '/meeting 2030-05-01 19:00 活动室',
};
const staffOnly: Record<string, string> = {
  progress: '/progress 4 30 开工',
  done: '/done 4',
  stats: '/stats',
};
const anyMember: Record<string, string> = {
  suggest: '/suggest 再加一条',
  support: '/support 1',
  comment: '/comment 1 好主意',
  list: '/list',
  show: '/show 3',
  vote: '/vote 3 1',
  chair: '/chair',
  help: '/help',
  link: '/link',
};

describe('who may do what', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  for (const [name, text] of Object.entries(chairOrStaff)) {
    it(`lets only the chair and staff ${name}`, async () => {
      const w = await stage(database);
      expect((await say(w, '居民', text)).errorCode).toBe('NOT_CHAIR');
      expect((await say(w, '主席', text)).errorCode).toBeUndefined();
      const again = await stage(database);
      expect((await say(again, 'staff', text)).errorCode).toBeUndefined();
    });
  }

  for (const [name, text] of Object.entries(staffOnly)) {
    it(`lets only staff ${name}`, async () => {
      const w = await stage(database);
      expect((await say(w, '居民', text)).errorCode).toBe('NOT_STAFF');
      expect((await say(w, '主席', text)).errorCode).toBe('NOT_STAFF');
      expect((await say(w, 'staff', text)).errorCode).toBeUndefined();
    });
  }

  it('lets every member use the member commands', async () => {
    const w = await stage(database);
    for (const who of ['居民', '主席', 'staff']) {
      for (const [name, text] of Object.entries(anyMember)) {
        const out = await say(w, who, name === 'support' && who !== '居民' ? '/support 2' : text);
        expect({ who, name, code: out.errorCode }).toEqual({ who, name, code: undefined });
        expect(out.replies).toHaveLength(1);
      }
    }
  });

  it('lets only the author withdraw, and only before the vote', async () => {
    const w = await stage(database);
    expect((await say(w, 'staff', '/withdraw 1')).errorCode).toBe('NOT_AUTHOR');
    expect((await say(w, '居民', '/withdraw 1')).errorCode).toBe('NOT_AUTHOR');
    expect((await say(w, '作者', '/withdraw 3')).errorCode).toBe('WRONG_STAGE');
    expect(replyText(await say(w, '作者', '/withdraw 1'))).toContain('#1');
  });

  it('lets only staff of that community bind a chat', async () => {
    const w = await stage(database);
    const elsewhere = { chat: { platformChatId: `new-${w.slug}`, kind: 'group' as const } };
    expect((await say(w, '主席', `/bind ${w.slug}`, elsewhere)).errorCode).toBe('NOT_STAFF');
    const bound = await say(w, 'staff', `/bind ${w.slug}`, elsewhere);
    expect(bound.errorCode).toBeUndefined();
    expect((await say(w, '居民', '/suggest 新群里的提议', elsewhere)).errorCode).toBeUndefined();
  });

  it('shows each role the commands it may use', async () => {
    const w = await stage(database);
    const resident = replyText(await say(w, '居民', '/help'));
    const chair = replyText(await say(w, '主席', '/help'));
    const staff = replyText(await say(w, 'staff', '/help'));
    expect(resident).not.toContain('/poll');
    expect(chair).toContain('/poll');
    expect(chair).not.toContain('/stats');
    // The staff's other commands are on `/help 管理` (the group help stays short).
    expect(staff).toContain('帮助 管理');
    expect(replyText(await say(w, 'staff', '/help 管理'))).toContain('/stats');
    expect(replyText(await say(w, 'staff', '帮助 管理'))).toContain('/stats');
  });

  it('names this quarter’s chair unit and the next one', async () => {
    const w = await stage(database);
    const out = replyText(await say(w, '居民', '/chair'));
    expect(out).toContain('物业公司');
    expect(out).toContain('业委会');
  });
});
