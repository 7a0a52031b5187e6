/** Volunteers serve too: 志愿者报到 privately, confirmed by staff, they claim needs; their points are ranked apart from party members'. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { freshDatabase } from '../support/services.js';
import { Clock, makeWorld, press, replyText, say, uid } from '../core/helpers.js';
import { addUnitTx } from '../../src/org/units.js';
import { sayPrivately, start } from '../whistle/support.js';
import { confirmedMember, needIdOf, seedMembers } from './support.js';

describe('volunteers', () => {
  let database: Database;
  beforeAll(async () => { database = await freshDatabase(); });
  afterAll(async () => { await database.close(); });

  it('a registered volunteer claims a need like a party member and is ranked apart', async () => {
    const clock = new Clock(new Date('2026-11-10T02:00:00Z'));
    const w = await makeWorld(database, { clock });
    await seedMembers(w);
    await confirmedMember(w, 'dang');
    await start(w, 'zhi');
    await start(w, 'yuan');
    expect((await say(w, 'zhi', `志愿者报到 ${w.slug} g1 蓝天志愿队`)).errorCode).toBe('PRIVATE_ONLY');
    const reg = await sayPrivately(w, 'zhi', `志愿者报到 ${w.slug} g1 蓝天志愿队`);
    expect(reg.errorCode).toBeUndefined();
    expect(replyText(reg)).toContain('志愿者报到');
    expect((await sayPrivately(w, 'yuan', `/register volunteer ${w.slug} 蓝天志愿队`)).errorCode).toBeUndefined();
    const rows = await database.db.select().from(s.partyMembers).where(eq(s.partyMembers.communityId, w.communityId));
    expect(rows.map((r) => r.kind).sort()).toEqual(['party', 'volunteer', 'volunteer']);

    expect((await say(w, 'staff', '/confirm-member zhi')).errorCode).toBeUndefined();
    const posted = await say(w, 'staff', '/need 陪李大爷去医院复诊 20 by 2026-11-20 2');
    const id = needIdOf(posted);
    const claimed = await press(w, 'zhi', `c:${id}`);
    expect(claimed.errorCode).toBeUndefined();
    const [claim] = await database.db.select().from(s.needClaims).where(eq(s.needClaims.needId, id));
    expect(claim).toMatchObject({ status: 'claimed' });

    // A volunteer unit's people are volunteers without reporting in.
    await database.db.transaction((tx) => addUnitTx(tx, { at: w.slug, name: '红马甲志愿服务队', kind: 'volunteer', contacts: [{ platform: 'telegram', platformUserId: uid(w, 'hong') }] }, 'test'));
    expect((await press(w, 'hong', `c:${id}`)).errorCode).toBeUndefined();
    const [hong] = await database.db.select().from(s.partyMembers).where(eq(s.partyMembers.unitName, '红马甲志愿服务队'));
    expect(hong).toMatchObject({ kind: 'volunteer', status: 'confirmed' });
    // Someone of no volunteer unit and not reported in is still refused.
    expect((await press(w, 'nobody', `c:${id}`)).errorCode).toBe('NOT_PARTY_MEMBER');

    // Ranked apart: the party members' ranking does not list the volunteer; a section of volunteers follows.
    const ranking = replyText(await sayPrivately(w, 'staff', `/ranking ${w.slug}`));
    const [party, volunteers] = ranking.split('志愿者积分排名');
    expect(party).toContain('dang');
    expect(party).not.toContain('zhi');
    expect(volunteers).toContain('zhi');
    expect(volunteers).not.toContain('dang');
  });
});
