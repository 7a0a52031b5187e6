/**
 * One implementation of the ballot and rating rules: every rule runs through both entries, a button
 * press (core.handle({ button })) and the text command (core.handle({ text: '/vote n k' })), on real
 * Postgres and on the embedded PGlite. Both must answer the same outcome and store the same ballots,
 * ratings, audit rows, memberships and processed updates, except where the table says why the text
 * entry legitimately differs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDatabase, tempDir } from '../support/services.js';
import { openDatabase, rowsOf, type Database } from '../../src/db/client.js';
import type { Incoming, Outcome } from '../../src/kernel/types.js';
import { incoming, makeWorld, press, replyText, say, uid, type World } from '../core/helpers.js';

type Entry = 'button' | 'text';

interface Rule {
  rule: string;
  /** The poll on the suggestion: a vote (民决) or a rating round (民评). */
  poll: 'vote' | 'rating';
  /** open; closed by /close; or past its deadline but not closed yet. */
  state?: 'open' | 'closed' | 'pastDeadline';
  /** stranger: never seen; member: has written in the community's group before. */
  voter: 'stranger' | 'member';
  /** A choice the voter made earlier (by /vote or /rate), so this one changes it. */
  before?: number;
  /** Where the press or command comes from: the poll's group, a private chat, another community's group. */
  where?: 'group' | 'private' | 'otherCommunity';
  /** The kind the button or command asks for (a rating button on a vote, /rate on a vote). */
  asks?: 'vote' | 'rating';
  /** The choice's position (or a number that is no choice). */
  choice: number;
  /** The voter shows a new display name on the platform: the stored name follows. */
  renamed?: boolean;
  /** How many times the same update (same update key) is delivered. */
  deliveries?: number;
  /** The outcome of each delivery: 'stored', 'duplicate' or the refusal code. */
  button: string[];
  text: string[];
  /** Why the text entry differs from the button, when it does (then only each entry's own effects are checked). */
  differs?: string;
}

const RULES: Rule[] = [
  { rule: 'open vote, first sight in the group: the voter becomes a member and votes', poll: 'vote', voter: 'stranger', choice: 1, button: ['stored'], text: ['stored'] },
  { rule: 'open vote, a member votes', poll: 'vote', voter: 'member', choice: 2, button: ['stored'], text: ['stored'] },
  { rule: 'a member who renamed themselves votes: the stored name follows', poll: 'vote', voter: 'member', renamed: true, choice: 1, button: ['stored'], text: ['stored'] },
  { rule: 'changed vote: one ballot, the latest choice, audited as a change', poll: 'vote', voter: 'member', before: 1, choice: 3, button: ['stored'], text: ['stored'] },
  { rule: 'closed poll', poll: 'vote', state: 'closed', voter: 'member', choice: 1, button: ['POLL_CLOSED'], text: ['POLL_CLOSED'] },
  { rule: 'closed poll, first sight: nobody is made a member by a refusal', poll: 'vote', state: 'closed', voter: 'stranger', choice: 1, button: ['POLL_CLOSED'], text: ['POLL_CLOSED'] },
  { rule: 'past the deadline but not closed yet', poll: 'vote', state: 'pastDeadline', voter: 'member', before: 1, choice: 2, button: ['POLL_CLOSED'], text: ['POLL_CLOSED'] },
  { rule: 'duplicate update key: the second delivery changes nothing', poll: 'vote', voter: 'stranger', choice: 1, deliveries: 2, button: ['stored', 'duplicate'], text: ['stored', 'duplicate'] },
  { rule: 'duplicate update key of a refusal', poll: 'vote', state: 'closed', voter: 'member', choice: 1, deliveries: 2, button: ['POLL_CLOSED', 'duplicate'], text: ['POLL_CLOSED', 'duplicate'] },
  {
    rule: 'unknown choice',
    poll: 'vote',
    voter: 'member',
    choice: 9,
    button: ['BAD_BUTTON'],
    text: ['BAD_CHOICE'],
    differs: 'a button for a choice that does not exist is forged (BAD_BUTTON); a typed one is a typo, answered with the choices (BAD_CHOICE); neither stores anything',
  },
  {
    rule: 'wrong kind: a rating button (or /rate) on a vote',
    poll: 'vote',
    voter: 'member',
    asks: 'rating',
    choice: 1,
    button: ['BAD_BUTTON'],
    text: ['NO_OPEN_POLL'],
    differs: '/rate looks for an open rating round on the suggestion and finds none (NO_OPEN_POLL); a rating button naming a vote is forged (BAD_BUTTON); neither stores anything',
  },
  {
    rule: "another community's chat",
    poll: 'vote',
    voter: 'member',
    where: 'otherCommunity',
    choice: 1,
    button: ['BAD_BUTTON'],
    text: ['UNKNOWN_SUGGESTION'],
    differs: "a typed number names a suggestion of the chat's own community (that community has none), so text can never reach another community's poll; its button is refused as foreign; neither stores anything",
  },
  {
    rule: 'non-member: pressed in private by a stranger',
    poll: 'vote',
    voter: 'stranger',
    where: 'private',
    choice: 1,
    button: ['NOT_MEMBER'],
    text: ['NOT_BOUND'],
    differs: '/vote in a private chat is refused NOT_BOUND before it reaches the ballot rules; neither stores anything',
  },
  {
    rule: 'a member presses in a private chat',
    poll: 'vote',
    voter: 'member',
    where: 'private',
    choice: 2,
    button: ['stored'],
    text: ['NOT_BOUND'],
    differs: "a member's ballot button (e.g. a forwarded ballot) counts in private; /vote in a private chat is refused NOT_BOUND before it reaches the ballot rules",
  },
  { rule: 'open rating round: a member rates', poll: 'rating', voter: 'member', choice: 1, button: ['stored'], text: ['stored'] },
  { rule: 'changed rating', poll: 'rating', voter: 'member', before: 3, choice: 2, button: ['stored'], text: ['stored'] },
  { rule: 'closed rating round', poll: 'rating', state: 'closed', voter: 'stranger', choice: 1, button: ['POLL_CLOSED'], text: ['POLL_CLOSED'] },
];

const VOTER = '投票人';
const RENAMED = '投票人（新名）';

interface Scene {
  w: World;
  n: number;
  pollId: number;
  other?: World;
}

async function openVote(w: World, args = ''): Promise<{ n: number; pollId: number }> {
  const sug = await say(w, '作者', '/suggest 修东门路灯');
  const n = Number(/#(\d+)/.exec(replyText(sug))![1]);
  const poll = await say(w, 'staff', `/poll ${n} ${args}`.trim());
  expect(poll.errorCode).toBeUndefined();
  return { n, pollId: poll.replies[0].pollId! };
}

/** The same situation for either entry: a fresh community with the poll in the rule's state. */
async function arrange(database: Database, r: Rule): Promise<Scene> {
  const w = await makeWorld(database);
  let { n, pollId } = await openVote(w, '30m');
  if (r.poll === 'rating') {
    await say(w, '甲', `/vote ${n} 1`);
    expect((await say(w, 'staff', `/close ${n}`)).errorCode).toBeUndefined();
    await say(w, 'staff', `/progress ${n} 100 已修好`);
    const done = await say(w, 'staff', `/done ${n} 30m`);
    expect(done.errorCode).toBeUndefined();
    pollId = done.replies[0].pollId!;
  }
  if (r.voter === 'member') expect((await say(w, VOTER, '/help')).errorCode).toBeUndefined();
  if (r.before !== undefined) expect((await say(w, VOTER, `/${r.poll === 'vote' ? 'vote' : 'rate'} ${n} ${r.before}`)).errorCode).toBeUndefined();
  if (r.state === 'closed') expect((await say(w, 'staff', `/close ${n}`)).errorCode).toBeUndefined();
  if (r.state === 'pastDeadline') w.clock.advance(31 * 60e3);
  const other = r.where === 'otherCommunity' ? await makeWorld(database, { clock: w.clock }) : undefined;
  return { w, n, pollId, other };
}

/** The press or the command of the rule, from where the rule says, delivered as often as it says. */
async function act(scene: Scene, r: Rule, entry: Entry): Promise<Outcome[]> {
  const { w, n, pollId } = scene;
  const kind = r.asks ?? r.poll;
  const chat: Incoming['chat'] =
    r.where === 'private'
      ? { platformChatId: `p-${uid(w, VOTER)}`, kind: 'private' }
      : r.where === 'otherCommunity'
        ? { platformChatId: scene.other!.chatId, kind: 'group', title: '别的群' }
        : { platformChatId: w.chatId, kind: 'group', title: '测试群' };
  const extra: Partial<Incoming> = { chat, updateKey: `parity-${w.slug}` };
  if (r.renamed) extra.sender = { platformUserId: uid(w, VOTER), displayName: RENAMED };
  const outs: Outcome[] = [];
  for (let i = 0; i < (r.deliveries ?? 1); i++) {
    outs.push(
      entry === 'button'
        ? await press(w, VOTER, `${kind === 'vote' ? 'v' : 'r'}:${pollId}:${r.choice}`, extra)
        : await w.core.handle(incoming(w, VOTER, `/${kind === 'vote' ? 'vote' : 'rate'} ${n} ${r.choice}`, extra)),
    );
  }
  return outs;
}

const codeOf = (o: Outcome) => (o.duplicate ? 'duplicate' : (o.errorCode ?? 'stored'));

/** A ballot or rating: who, which choice, and whether it was changed. */
interface Cast {
  who: string;
  value: number;
  changed: boolean;
}

/** What the rule left in the database, in terms that do not depend on ids: who, what, which community. */
async function effects(database: Database, scene: Scene, auditAfter: number) {
  const { w } = scene;
  const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await database.db.execute(query));
  const community = (id: number | null) => (id === w.communityId ? 'this' : id === scene.other?.communityId ? 'other' : String(id));
  const ballots = await q<Cast>(sql`select p.display_name as who, b.choice as value, b.changed_at is not null as changed
    from ballots b join persons p on p.id = b.person_id where b.poll_id = ${scene.pollId} order by p.display_name`);
  const ratings = await q<Cast>(sql`select p.display_name as who, r.level as value, r.changed_at is not null as changed
    from ratings r join persons p on p.id = r.person_id where r.poll_id = ${scene.pollId} order by p.display_name`);
  const audits = (
    await q<{ action: string; who: string | null; community_id: number | null; suggestion: number | null; data: unknown }>(sql`select a.action, p.display_name as who,
      a.community_id, s.number as suggestion, a.data from audit_log a left join persons p on p.id = a.actor_id
      left join suggestions s on s.id = a.suggestion_id where a.id > ${auditAfter} order by a.id`)
  ).map((a) => {
    const data = typeof a.data === 'string' ? JSON.parse(a.data) : a.data;
    return { ...a, community_id: community(a.community_id), data: { ...data, pollId: data?.pollId === scene.pollId ? 'the poll' : data?.pollId } };
  });
  const voter = await q<{ identities: number; persons: number; names: string | null }>(sql`select count(*)::int as identities,
    count(distinct i.person_id)::int as persons, string_agg(i.display_name || '/' || p.display_name, ',') as names
    from identities i join persons p on p.id = i.person_id where i.platform = ${w.platform} and i.platform_user_id = ${uid(w, VOTER)}`);
  const roles = (
    await q<{ community_id: number; role: string }>(sql`select r.community_id, r.role from roles r join identities i on i.person_id = r.person_id
      where i.platform = ${w.platform} and i.platform_user_id = ${uid(w, VOTER)} order by r.community_id`)
  ).map((r) => ({ community: community(r.community_id), role: r.role }));
  const updates = await q<{ c: number }>(sql`select count(*)::int as c from processed_updates where update_key = ${`parity-${w.slug}`}`);
  return { ballots, ratings, audits, voter: voter[0], roles, processedUpdates: updates[0]?.c };
}

async function lastAuditId(database: Database): Promise<number> {
  const [row] = rowsOf<{ id: number | string | null }>(await database.db.execute(sql`select max(id) as id from audit_log`));
  return Number(row?.id ?? 0);
}

async function run(database: Database, r: Rule, entry: Entry) {
  const scene = await arrange(database, r);
  const before = await effects(database, scene, Number.MAX_SAFE_INTEGER);
  const auditAfter = await lastAuditId(database);
  const outs = await act(scene, r, entry);
  return { scene, outs, codes: outs.map(codeOf), before, after: await effects(database, scene, auditAfter) };
}

function runRules(name: string, open: () => Promise<Database>) {
  describe(`ballot and rating rules through both entries on ${name}`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await open();
    }, 120_000);
    afterAll(async () => {
      await database?.close();
    });

    it.each(RULES)('$rule', async (r) => {
      const button = await run(database, r, 'button');
      const text = await run(database, r, 'text');
      expect(button.codes).toEqual(r.button);
      expect(text.codes).toEqual(r.text);

      for (const [entry, res] of [['button', button], ['text', text]] as const) {
        const stored = res.codes.includes('stored');
        const rows = r.poll === 'vote' ? res.after.ballots : res.after.ratings;
        const name = r.renamed ? RENAMED : VOTER;
        const mine = rows.find((b) => b.who === name);
        // Every delivery is processed exactly once, stored or refused.
        expect(res.after.processedUpdates, entry).toBe(1);
        if (stored) {
          expect(mine, entry).toMatchObject({ value: r.choice, changed: r.before !== undefined });
          expect(rows.filter((b) => b.who === name), entry).toHaveLength(1);
          const action = `${r.poll === 'vote' ? 'ballot' : 'rating'}.${r.before === undefined ? 'cast' : 'changed'}`;
          const value = r.poll === 'vote' ? { choice: r.choice } : { level: r.choice };
          expect(res.after.audits, entry).toEqual([
            { action, who: name, community_id: 'this', suggestion: res.scene.n, data: { pollId: 'the poll', ...value, from: r.before ?? null } },
          ]);
          expect(res.after.roles, entry).toEqual([{ community: 'this', role: 'resident' }]);
          expect(res.after.voter, entry).toEqual({ identities: 1, persons: 1, names: `${name}/${name}` });
          // The answer names the choice: the press's toast, the command's reply `#n <toast>`.
          const toast = button.outs[0].toast!;
          if (entry === 'text' && !r.differs) expect(replyText(res.outs[0])).toBe(`#${res.scene.n} ${toast}`);
        } else {
          // A refusal changes nothing but the processed update: no ballot, no audit row, no new member.
          const { processedUpdates: _a, ...after } = res.after;
          const { processedUpdates: _b, ...before } = res.before;
          expect(after, entry).toEqual(before);
        }
      }

      if (!r.differs) {
        expect(text.after).toEqual(button.after);
        // Same refusal, same words: the press's toast is the command's reply.
        if (r.button[0] !== 'stored') expect(replyText(text.outs[0])).toBe(button.outs[0].toast);
      }
    }, 60_000);
  });
}

runRules('Postgres', () => freshDatabase({ max: 10 }));
runRules('PGlite', () => openDatabase({ dataDir: tempDir() }));
