/** A community with a tree (units), a grid with a worker, and helpers to report members in and read the new tables. */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { addGridTx } from '../../src/admin/org.js';
import { replyText, say, snapshot, uid, type World } from '../core/helpers.js';
import { sayPrivately, seedTree, start } from '../whistle/support.js';

export async function seedMembers(w: World) {
  const tree = await seedTree(w);
  await w.database.db.transaction((tx) => addGridTx(tx, { community: w.slug, slug: 'g1', name: '一网格', workers: [{ platform: 'telegram', platformUserId: uid(w, 'wg') }] }, 'test'));
  await start(w, 'wg');
  return tree;
}

/** Reports `who` in privately (with the registered unit 物业公司 in grid g1) and has staff confirm them in the group. */
export async function confirmedMember(w: World, who: string, unit = '物业公司') {
  await start(w, who);
  const r = await sayPrivately(w, who, `/register ${w.slug} g1 ${unit}`);
  if (r.errorCode) throw new Error(`register failed: ${r.errorCode}`);
  const c = await say(w, 'staff', `/confirm-member ${who}`);
  if (c.errorCode) throw new Error(`confirm failed: ${c.errorCode} ${replyText(c)}`);
}

/** The id of the need a `/need` reply offers (its claim button's data `c:<id>`). */
export function needIdOf(o: { replies: Array<{ buttons?: Array<Array<{ data: string }>> }> }): number {
  const data = o.replies[0]?.buttons?.[0]?.[0]?.data;
  if (!data?.startsWith('c:')) throw new Error('no claim button');
  return Number(data.slice(2));
}

const rowsOf = async (database: Database, q: string) => JSON.stringify((await database.db.execute(sql.raw(q))) as unknown as unknown[]);

/** Every table's row count and the mutable state of the consultation, members, needs, claims, ledger, rules and outbox. */
export async function fullSnapshot(database: Database): Promise<string> {
  return JSON.stringify({
    core: await snapshot(database),
    members: await rowsOf(database, 'select * from party_members order by id'),
    needs: await rowsOf(database, 'select * from needs order by id'),
    claims: await rowsOf(database, 'select * from need_claims order by id'),
    entries: await rowsOf(database, 'select * from points_entries order by id'),
    rules: await rowsOf(database, 'select * from points_rules order by id'),
    outbox: await rowsOf(database, 'select dedupe_key from outbound_messages order by id'),
    audit: await rowsOf(database, 'select count(*) from audit_log'),
  });
}

/** The sum of a person's ledger entries in the world's community. */
export async function balance(w: World, who: string): Promise<number> {
  const rows = (await w.database.db.execute(sql`select coalesce(sum(e.points), 0)::int as p from points_entries e join identities i on i.person_id = e.person_id
    where i.platform = 'telegram' and i.platform_user_id = ${uid(w, who)} and e.community_id = ${w.communityId}`)) as unknown as { p: number }[];
  return rows[0]!.p;
}

export async function auditActions(w: World): Promise<string[]> {
  return (await w.database.db.select({ action: s.auditLog.action }).from(s.auditLog).where(eq(s.auditLog.communityId, w.communityId))).map((a) => a.action);
}
