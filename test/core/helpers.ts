/** A small harness: one community, group chats, people who say things to the real core on real Postgres. */
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/lib/config.js';
import { createCore } from '../../src/core/index.js';
import type { Core, Incoming, Outcome, Platform } from '../../src/kernel/types.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';

export const config = loadConfig({ YISHI_TZ: 'Asia/Shanghai' } as NodeJS.ProcessEnv);

export class Clock {
  constructor(public current = new Date('2026-11-10T02:00:00Z')) {}
  now = () => this.current;
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface World {
  database: Database;
  core: Core;
  clock: Clock;
  communityId: number;
  slug: string;
  chatId: string;
  platform: Platform;
}

let counter = 0;

/** A community bound to a fresh group chat, with `staff` as its staff member. */
export async function makeWorld(database: Database, opts: { threshold?: number; satisfaction?: number; outcomeRule?: string; clock?: Clock } = {}): Promise<World> {
  const clock = opts.clock ?? new Clock();
  const core = createCore({ database, config, now: clock.now });
  const slug = `c${++counter}${Math.random().toString(36).slice(2, 7)}`;
  const [c] = await database.db
    .insert(s.communities)
    .values({ slug, name: '测试社区', supportThreshold: opts.threshold ?? 2, satisfactionThreshold: opts.satisfaction ?? 0.6, outcomeRule: opts.outcomeRule ?? 'majority' })
    .returning();
  const chatId = `g-${slug}`;
  const [p] = await database.db.insert(s.persons).values({ displayName: '社工' }).returning();
  await database.db.insert(s.identities).values({ personId: p.id, platform: 'telegram', platformUserId: `staff-${slug}`, displayName: '社工' });
  await database.db.insert(s.roles).values({ communityId: c.id, personId: p.id, role: 'staff' });
  const w: World = { database, core, clock, communityId: c.id, slug, chatId, platform: 'telegram' };
  const out = await say(w, 'staff', `/bind ${slug}`);
  if (out.errorCode) throw new Error(`bind failed: ${out.errorCode}`);
  return w;
}

/** The platform user id of a named person in this world. */
export const uid = (w: World, who: string) => `${who}-${w.slug}`;

export function incoming(w: World, who: string, text: string, extra: Partial<Incoming> = {}): Incoming {
  return {
    platform: w.platform,
    chat: { platformChatId: w.chatId, kind: 'group', title: '测试群' },
    sender: { platformUserId: uid(w, who), displayName: who },
    text,
    ...extra,
  };
}

export const say = (w: World, who: string, text: string, extra: Partial<Incoming> = {}): Promise<Outcome> => w.core.handle(incoming(w, who, text, extra));

export const press = (w: World, who: string, data: string, extra: Partial<Incoming> = {}): Promise<Outcome> =>
  w.core.handle({ ...incoming(w, who, '', extra), text: undefined, button: data });

export const replyText = (o: Outcome) => o.replies.map((r) => r.text).join('\n');

/** Makes a person this community's staff (as `yishi role grant` does). */
export async function grantStaff(w: World, who: string) {
  await say(w, who, '/help');
  await w.database.db.execute(sql`update roles set role = 'staff' where community_id = ${w.communityId} and person_id =
    (select person_id from identities where platform = ${w.platform} and platform_user_id = ${uid(w, who)})`);
}

/** Row counts of every table, to prove that a refused command changed nothing. */
export async function tableCounts(database: Database): Promise<Record<string, number>> {
  const tables = ['communities', 'chats', 'persons', 'identities', 'roles', 'link_codes', 'suggestions', 'supports', 'comments', 'meetings', 'agenda_items', 'polls', 'poll_choices', 'ballots', 'ratings', 'progress_updates', 'audit_log', 'processed_updates'];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const rows = (await database.db.execute(sql.raw(`select count(*)::int as c from ${t}`))) as unknown as { c: number }[] | { rows: { c: number }[] };
    out[t] = Array.isArray(rows) ? rows[0].c : rows.rows[0].c;
  }
  return out;
}

/** A fingerprint of the mutable columns too (stage, counts, poll status), not only the row counts. */
export async function snapshot(database: Database): Promise<string> {
  const counts = await tableCounts(database);
  const rows = (await database.db.execute(sql`select string_agg(id || ':' || stage || ':' || support_count, ',' order by id) as s from suggestions`)) as unknown as { s: string }[];
  const polls = (await database.db.execute(sql`select string_agg(id || ':' || status, ',' order by id) as s from polls`)) as unknown as { s: string }[];
  const ballots = (await database.db.execute(sql`select string_agg(poll_id || ':' || person_id || ':' || choice, ',' order by poll_id, person_id) as s from ballots`)) as unknown as { s: string }[];
  const roles = (await database.db.execute(sql`select string_agg(community_id || ':' || person_id || ':' || role, ',' order by community_id, person_id) as s from roles`)) as unknown as { s: string }[];
  return JSON.stringify({ counts, s: rows[0]?.s, p: polls[0]?.s, b: ballots[0]?.s, r: roles[0]?.s });
}
