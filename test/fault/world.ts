/**
 * A small neighbourhood built through the real core, for the bad-input corpus: community alpha (bound
 * group, suggestions #1-#5 in various stages, an open and a closed poll), community beta (#1-#7 and an
 * open poll), an unbound group, a private chat. Staff are granted in the database, as the admin CLI does.
 */
import { sql } from 'drizzle-orm';
import type { Core, Incoming, Outcome } from '../../src/kernel/types.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';

export const CHATS = { alpha: '-1001', beta: '-2002', unbound: '-3003', fresh: '-4004' } as const;
/** Telegram user ids of the people in the corpus (`by`). */
export const PEOPLE = {
  staff: { id: 101, name: '王主任' },
  author: { id: 201, name: '张三' },
  supporter: { id: 202, name: '李四' },
  resident: { id: 203, name: '赵六' },
  betaStaff: { id: 301, name: '钱主任' },
  newcomer: { id: 999, name: '路人' },
} as const;
export type Who = keyof typeof PEOPLE;
export type Where = keyof typeof CHATS | 'private';

export interface World {
  openPoll: number;
  closedPoll: number;
  betaPoll: number;
}

/** The Incoming of a text or button from `by` in `chat`. */
export function incomingOf(by: Who, chat: Where, what: { text?: string; button?: string }, lang?: string, updateKey?: string): Incoming {
  const p = PEOPLE[by];
  return {
    platform: 'telegram',
    chat: chat === 'private' ? { platformChatId: String(p.id), kind: 'private' } : { platformChatId: CHATS[chat], kind: 'group', title: chat },
    sender: { platformUserId: String(p.id), displayName: p.name, lang: lang ?? 'zh-hans' },
    ...what,
    updateKey,
  };
}

async function grantStaff(database: Database, communityId: number, who: Who) {
  const { db } = database;
  const p = PEOPLE[who];
  const [person] = await db.insert(s.persons).values({ displayName: p.name }).returning();
  await db.insert(s.identities).values({ personId: person!.id, platform: 'telegram', platformUserId: String(p.id), displayName: p.name });
  await db.insert(s.roles).values({ communityId, personId: person!.id, role: 'staff' });
}

export async function buildWorld(database: Database, core: Core): Promise<World> {
  const { db } = database;
  const [alpha] = await db.insert(s.communities).values({ slug: 'alpha', name: '幸福里社区' }).returning();
  const [beta] = await db.insert(s.communities).values({ slug: 'beta', name: '和平里社区' }).returning();
  await db.insert(s.chats).values([
    { platform: 'telegram', platformChatId: CHATS.alpha, kind: 'group', title: 'alpha', communityId: alpha!.id, boundAt: new Date() },
    { platform: 'telegram', platformChatId: CHATS.beta, kind: 'group', title: 'beta', communityId: beta!.id, boundAt: new Date() },
    { platform: 'telegram', platformChatId: CHATS.unbound, kind: 'group', title: 'unbound' },
  ]);
  await grantStaff(database, alpha!.id, 'staff');
  await grantStaff(database, beta!.id, 'betaStaff');

  const ok = async (by: Who, chat: Where, text: string): Promise<Outcome> => {
    const out = await core.handle(incomingOf(by, chat, { text }));
    if (out.errorCode || out.ignored) throw new Error(`world setup: "${text}" by ${by} was refused: ${out.errorCode} ${JSON.stringify(out.replies)}`);
    return out;
  };
  await ok('author', 'alpha', '/suggest 东门路灯坏了'); // #1 raised, one support
  await ok('supporter', 'alpha', '/support 1');
  await ok('author', 'alpha', '/suggest 小区加装充电桩'); // #2 voting (open poll)
  await ok('staff', 'alpha', '/agenda 2');
  const opened = await ok('staff', 'alpha', '/poll 2 48h');
  await ok('author', 'alpha', '/suggest 垃圾分类点改位置'); // #3 closed vote
  await ok('staff', 'alpha', '/agenda 3');
  await ok('staff', 'alpha', '/poll 3 48h');
  await ok('supporter', 'alpha', '/vote 3 1');
  await ok('staff', 'alpha', '/close 3');
  await ok('author', 'alpha', '/suggest 撤回测试'); // #4 withdrawn
  await ok('author', 'alpha', '/withdraw 4');
  await ok('author', 'alpha', '/suggest 健身器材维修'); // #5 on the agenda
  await ok('staff', 'alpha', '/agenda 5');
  await ok('resident', 'alpha', '/list');
  await ok('resident', 'private', '/start');
  for (let i = 1; i <= 7; i++) await ok('betaStaff', 'beta', `/suggest 和平里议题 ${i}`);
  await ok('betaStaff', 'beta', '/agenda 5');
  const betaOpened = await ok('betaStaff', 'beta', '/poll 5 48h');

  const openPoll = opened.replies[0]?.pollId;
  const betaPoll = betaOpened.replies[0]?.pollId;
  const [closed] = await db
    .select({ id: s.polls.id })
    .from(s.polls)
    .innerJoin(s.suggestions, sql`${s.polls.suggestionId} = ${s.suggestions.id}`)
    .where(sql`${s.suggestions.communityId} = ${alpha!.id} and ${s.suggestions.number} = 3`);
  if (!openPoll || !betaPoll || !closed) throw new Error('world setup: poll ids missing');
  return { openPoll, closedPoll: closed.id, betaPoll };
}

/** Every table whose rows a refused input must leave alone (processed_updates records the refusal by design). */
export const GUARDED_TABLES = [
  'communities', 'grids', 'chats', 'persons', 'identities', 'roles', 'link_codes', 'council_units', 'quarterly_chairs',
  'suggestions', 'supports', 'comments', 'meetings', 'agenda_items', 'polls', 'poll_choices', 'ballots', 'ratings',
  'progress_updates', 'outbound_messages', 'audit_log',
] as const;

/** The one statement behind snapshot(), for callers holding a bare driver. */
export function snapshotQuery(tables: readonly string[] = GUARDED_TABLES): string {
  return tables
    .map((table) => `select '${table}' as name, count(*)::int as n, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as digest from ${table} t`)
    .join(' union all ');
}

/** Row count and a digest of every row of each guarded table: an insert, update or delete changes it. */
export async function snapshot(database: Database, tables: readonly string[] = GUARDED_TABLES): Promise<Record<string, string>> {
  // One statement for all tables: this runs after every corpus case.
  const res = (await database.db.execute(sql.raw(snapshotQuery(tables)))) as unknown as { name: string; n: number; digest: string }[] | { rows: { name: string; n: number; digest: string }[] };
  const rows = Array.isArray(res) ? res : res.rows;
  return Object.fromEntries(rows.map((r) => [r.name, `${r.n}:${r.digest}`]));
}

/** Control characters (other than newline), zero-width characters and bidi embeddings/overrides/isolates. */
export const UNSAFE_CHARS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]/;

/** Expands `{{s*N}}` repetitions and `{openPoll}`-style ids of the world. */
export function expand(template: string, world: World): string {
  return template
    .replace(/\{\{([^*{}]+)\*(\d+)\}\}/g, (_m, str: string, n: string) => str.repeat(Number(n)))
    .replace(/\{(openPoll|closedPoll|betaPoll)\}/g, (_m, k: keyof World) => String(world[k]));
}

export interface CorpusCase {
  id: string;
  category: string;
  by: Who;
  chat: Where;
  text?: string;
  button?: string;
  lang?: string;
  via?: ('core' | 'telegram')[];
  expect: { code: string[]; replyIncludes?: string[] };
  note?: string;
}
