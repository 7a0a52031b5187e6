/** Owners' votes for a building or a set of buildings (楼栋 / 自管委 decisions): denominators and ballots restricted to their units, worked by hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { checkRegisterCsv, importProperty, linkOwner } from '../../src/admin/property.js';
import { makeWorld, press, replyText, say, snapshot, uid } from '../core/helpers.js';

// Areas in m². A owns in 1栋 and in 3栋: only the 1栋 unit counts in a vote of 1栋 and 2栋.
const REGISTER = ['building,unit,area,owner', '1栋,101,100,A', '1栋,102,50,B', '2栋,201,80,C', '3栋,301,200,D', '3栋,302,70,A'].join('\n');

describe("a building-scoped owners' vote", () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('counts only the units of the buildings named, refuses owners elsewhere and unknown buildings, and says which buildings', async () => {
    const w = await makeWorld(database);
    const [community] = await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
    const { rows, problems } = checkRegisterCsv(REGISTER);
    expect(problems).toEqual([]);
    await importProperty(database.db, community!, rows, 'register.csv', w.clock.now());
    for (const [who, key] of [['a', 'A'], ['b', 'B'], ['c', 'C'], ['d', 'D']] as const) await linkOwner(database.db, community!, key, { platform: 'telegram', platformUserId: uid(w, who) }, w.clock.now());
    await say(w, 'resident', '/suggest 1栋2栋楼道加装声控灯');

    const before = await snapshot(database);
    const unknown = await say(w, 'staff', '/ownersvote 1 5 7 1栋,9栋');
    expect(unknown.errorCode).toBe('UNKNOWN_BUILDING');
    expect(replyText(unknown)).toContain('9栋');
    expect(unknown.replies).toHaveLength(1);
    expect(await snapshot(database)).toBe(before);

    const opened = await say(w, 'staff', '/ownersvote 1 5 7 1栋,2栋');
    expect(replyText(opened)).toContain('1栋、2栋');
    const [vote] = await database.db.select().from(s.ownersVotes).where(eq(s.ownersVotes.communityId, w.communityId));
    expect(vote!.buildings).toEqual(['1栋', '2栋']);
    expect((await press(w, 'a', `o:${vote!.id}:1`)).errorCode).toBeUndefined();
    expect((await press(w, 'c', `o:${vote!.id}:1`)).errorCode).toBeUndefined();
    // D owns only in 3栋: not an owner for this vote.
    expect((await press(w, 'd', `o:${vote!.id}:2`)).errorCode).toBe('NOT_OWNER');

    const result = replyText(await say(w, 'staff', '/close 1'));
    // By hand: 1栋 and 2栋 hold A 100 (A's 70 in 3栋 is out), B 50, C 80 = 230 m² and 3 owners.
    // Taking part: A + C = 180 m² of 230, 2 of 3 owners (both at least two thirds); agreeing: 180 of 180 m², 2 of 2.
    expect(result).toContain('180.00/230.00');
    expect(result).toContain('2/3');
    expect(result).toContain('180.00/180.00');
    expect(result).toContain('2/2');
    expect(result).toContain('通过');
    expect(result).not.toContain('未通过');
    expect(result).toContain('表决范围：1栋、2栋');
    const [closed] = await database.db.select().from(s.ownersVotes).where(eq(s.ownersVotes.id, vote!.id));
    expect(closed!.outcome).toBe('passed');
  });
});
