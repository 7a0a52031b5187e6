/**
 * Casting a ballot (民决) or a rating (民评): one per person per poll, changeable until the poll closes.
 * The poll row is locked FOR SHARE while the ballot is written, and close locks it FOR UPDATE, so a
 * close never misses an in-flight ballot and no ballot lands after a close (button presses do the same
 * inside the database function yishi_press_button).
 */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.js';
import { ballots, ratings, type Platform } from '../db/schema.js';
import { safeName } from '../people/persons.js';
import { refuse } from '../domain/errors.js';
import type { CommandResult, Ctx, Suggestion } from './context.js';
import { choicesOf, requireOpenPoll, type Poll, type PollKind } from './poll.js';

const ENGLISH_CHOICES: Record<string, string> = {
  agree: '同意', yes: '同意', for: '同意', against: '反对', no: '反对', abstain: '弃权',
  satisfied: '满意', fair: '基本满意', partly: '基本满意', ok: '基本满意', unsatisfied: '不满意', dissatisfied: '不满意',
};

/** A choice given as its number (1-based) or its text; BAD_CHOICE otherwise. */
export function resolveChoice(labels: string[], k: string): number {
  const v = k.trim();
  if (/^\d{1,3}$/.test(v)) {
    const i = Number(v);
    if (i >= 1 && i <= labels.length) return i;
  } else {
    const wanted = ENGLISH_CHOICES[v.toLowerCase()] ?? v;
    const i = labels.findIndex((l) => l.toLowerCase() === wanted.toLowerCase());
    if (i >= 0) return i + 1;
  }
  return refuse('BAD_CHOICE', { choices: labels.map((l, i) => `${i + 1}.${l}`).join(' ') });
}

/**
 * Records the person's ballot or rating on a poll that is locked and known to be open, for `/vote` and
 * `/rate`. Button presses take the one-statement path of yishi_press_button (drizzle/0002): a rule changed
 * here must be changed there too.
 */
async function record(ctx: Ctx, poll: Poll, s: Suggestion, labels: string[], position: number): Promise<CommandResult> {
  if (poll.deadline.getTime() <= ctx.now.getTime()) refuse('POLL_CLOSED', { n: s.number });
  const choice = labels[position - 1];
  let previous: number | undefined;
  if (poll.kind === 'vote') {
    const [old] = await ctx.tx.select({ choice: ballots.choice }).from(ballots).where(and(eq(ballots.pollId, poll.id), eq(ballots.personId, ctx.personId)));
    previous = old?.choice;
    await ctx.tx
      .insert(ballots)
      .values({ pollId: poll.id, personId: ctx.personId, choice: position, castAt: ctx.now })
      .onConflictDoUpdate({ target: [ballots.pollId, ballots.personId], set: { choice: position, changedAt: ctx.now } });
    await ctx.audit(previous === undefined ? 'ballot.cast' : 'ballot.changed', { pollId: poll.id, choice: position, from: previous ?? null }, s.id);
  } else {
    const [old] = await ctx.tx.select({ level: ratings.level }).from(ratings).where(and(eq(ratings.pollId, poll.id), eq(ratings.personId, ctx.personId)));
    previous = old?.level;
    await ctx.tx
      .insert(ratings)
      .values({ pollId: poll.id, personId: ctx.personId, level: position, ratedAt: ctx.now })
      .onConflictDoUpdate({ target: [ratings.pollId, ratings.personId], set: { level: position, changedAt: ctx.now } });
    await ctx.audit(previous === undefined ? 'rating.cast' : 'rating.changed', { pollId: poll.id, level: position, from: previous ?? null }, s.id);
  }
  const changed = previous !== undefined;
  const toast = poll.kind === 'vote' ? ctx.t(changed ? 'vote.changed' : 'vote.toast', { choice }) : ctx.t('rate.toast', { choice });
  const text = poll.kind === 'vote' ? ctx.t(changed ? 'vote.okChanged' : 'vote.ok', { n: s.number, choice }) : ctx.t('rate.ok', { n: s.number, choice });
  return { reply: { text }, toast, changedPollIds: [poll.id] };
}

/** `/vote <n> <k>` or `/rate <n> <k>`: the open poll on suggestion n (a vote or a rating, whichever is open). */
export async function castByCommand(ctx: Ctx, s: Suggestion, k: string, kind?: PollKind): Promise<CommandResult> {
  const poll = await requireOpenPoll(ctx, s, 'share', kind);
  const labels = await choicesOf(ctx.tx, poll.id);
  return record(ctx, poll, s, labels, resolveChoice(labels, k));
}

/** What one button press did: `cast` / `changed` (with the choice's label), a refusal code, or `duplicate`. */
export type PressOutcome =
  | { outcome: 'cast' | 'changed'; suggestionNumber: number; label: string }
  | { outcome: 'BAD_BUTTON' | 'POLL_CLOSED' | 'NOT_MEMBER'; suggestionNumber?: number }
  | { outcome: 'duplicate' };

/** A ballot or rating button press `v:<pollId>:<k>` / `r:<pollId>:<k>`, parsed, with who pressed it where. */
export interface ButtonPress {
  platform: Platform;
  updateKey?: string;
  chat: { kind: string; platformChatId: string };
  sender: { platformUserId: string; displayName: string; lang?: string };
  kind: PollKind;
  pollId: number;
  position: number;
  now: Date;
}

/** The arguments of yishi_press_button, named as yishi_press_buttons reads them from its JSON array. */
export function pressArguments(press: ButtonPress) {
  const { sender } = press;
  return {
    platform: press.platform,
    updateKey: press.updateKey ?? null,
    group: press.chat.kind === 'group',
    chatId: press.chat.platformChatId,
    userId: sender.platformUserId,
    name: safeName(sender.displayName, sender.platformUserId),
    lang: sender.lang && /^en/i.test(sender.lang) ? 'en' : 'zh',
    kind: press.kind,
    pollId: press.pollId,
    position: press.position,
    now: press.now.toISOString(),
  };
}

export interface PressRow {
  outcome: string;
  suggestion_number: number | null;
  label: string | null;
}

/** A row of yishi_press_button(s) as a PressOutcome. */
export function pressOutcome(row: PressRow | undefined): PressOutcome {
  if (!row) throw new Error('yishi_press_button returned no row');
  const n = row.suggestion_number ?? undefined;
  switch (row.outcome) {
    case 'cast':
    case 'changed':
      return { outcome: row.outcome, suggestionNumber: n!, label: row.label! };
    case 'BAD_BUTTON':
    case 'POLL_CLOSED':
    case 'NOT_MEMBER':
      return { outcome: row.outcome, suggestionNumber: n };
    case 'duplicate':
      return { outcome: 'duplicate' };
    default:
      throw new Error(`yishi_press_button: unknown outcome ${row.outcome}`);
  }
}

/**
 * One button press in one statement, hence one round trip and its own transaction: yishi_press_button
 * (drizzle/0002_press_button.sql) checks the update key, locks the poll FOR SHARE, refuses forged, stale
 * or foreign data, makes the presser a member on first sight, and writes the ballot (or rating), its
 * audit row and the processed_updates row. A refusal writes only the processed_updates row. Throws the
 * database's error on a lost insert race: run it again. Under load the core groups presses instead
 * (./press-groups.ts), through the same function.
 */
export async function pressBallotButton(db: Db, press: ButtonPress): Promise<PressOutcome> {
  const a = pressArguments(press);
  const result = await db.execute(sql`select outcome, suggestion_number, label from yishi_press_button(
    ${a.platform}, ${a.updateKey}, ${a.group}, ${a.chatId}, ${a.userId}, ${a.name}, ${a.lang}, ${a.kind},
    ${a.pollId}::integer, ${a.position}::integer, ${a.now}::timestamptz)`);
  return pressOutcome(rowsOf<PressRow>(result)[0]);
}
