/** Meetings, the chair's view, and the staff statistics (including quarters that passed without a meeting). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import type { CoreEvent } from '../../src/kernel/types.js';
import { addQuarters, quarterOf, quarterStart } from '../../src/domain/time.js';
import { config, makeWorld, replyText, say } from '../core/helpers.js';

describe('meetings and statistics', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('schedules, moves and cancels a meeting, telling listeners after each commit', async () => {
    const w = await makeWorld(database);
    const events: CoreEvent[] = [];
    w.core.onEvent((e) => events.push(e));
    await say(w, '张三', '/suggest 修东门路灯');
    await say(w, 'staff', '/agenda 1'); // no meeting yet
    const out = await say(w, 'staff', '/meeting 2026-12-01 19:30 社区活动室');
    expect(replyText(out)).toContain('2026-12-01 19:30');
    const [m] = await database.db.select().from(s.meetings).where(eq(s.meetings.communityId, w.communityId));
    // Wall-clock time in Asia/Shanghai.
    expect(m.startsAt.toISOString()).toBe('2026-12-01T11:30:00.000Z');
    expect(m.quarter).toBe('2026Q4');
    const [item] = await database.db.select().from(s.agendaItems).where(eq(s.agendaItems.meetingId, m.id));
    expect(item).toBeDefined();
    expect(replyText(await say(w, '李四', '/chair'))).toContain('社区活动室');
    expect(replyText(await say(w, 'staff', `/meeting move ${m.id} 2026-12-02 09:00`))).toContain('2026-12-02 09:00');
    expect(replyText(await say(w, 'staff', `/meeting cancel ${m.id}`))).toContain('取消');
    expect(events.filter((e) => e.type.startsWith('meeting.'))).toEqual([
      { type: 'meeting.scheduled', meetingId: m.id },
      { type: 'meeting.moved', meetingId: m.id },
      { type: 'meeting.cancelled', meetingId: m.id },
    ]);
    expect(replyText(await say(w, '李四', '/chair'))).toContain('还没有安排');
  });

  it('counts quarters since the rotation start without a held meeting, the running one included', async () => {
    const w = await makeWorld(database);
    const now = quarterOf(w.clock.current, config.YISHI_TZ);
    const start = addQuarters(now, -3);
    await database.db.update(s.communities).set({ rotationStart: start }).where(eq(s.communities.id, w.communityId));
    // A meeting held in the second of the three past quarters.
    const held = new Date(quarterStart(addQuarters(start, 1), config.YISHI_TZ).getTime() + 10 * 86400e3);
    await database.db.insert(s.meetings).values({ communityId: w.communityId, quarter: addQuarters(start, 1), startsAt: held, place: '活动室', status: 'held' });
    const out = replyText(await say(w, 'staff', '/stats'));
    expect(out).toContain('未召开协商议事会的季度：3');
    const label = (q: string) => `${q.slice(0, 4)}年第${q.slice(5)}季度`;
    expect(out).toContain(label(start));
    expect(out).toContain(label(addQuarters(start, 2)));
    expect(out).toContain(`${label(now)}（本季度，尚未召开）`);
  });
});
