/**
 * Casting a ballot (民决) or a rating (民评): one per person per poll, changeable until the poll closes.
 * Every rule of it lives in one place, the database function yishi_press_button (drizzle/0004): a button
 * press runs it alone (pressBallotButton) or in a group (./press-groups.ts), and /vote and /rate run the
 * same statement inside the command's transaction (castByCommand). It locks the poll row FOR SHARE while
 * the ballot is written, and close locks it FOR UPDATE, so a close never misses an in-flight ballot and
 * no ballot lands after a close.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.js';
import type { Platform } from '../db/schema.js';
import { safeName } from '../kernel/persons.js';
import { refuse } from '../domain/errors.js';
import { langOf, t, type Lang } from '../i18n/index.js';
import type { CommandResult, Ctx, Suggestion } from '../kernel/context.js';
import { choicesOf, requireOpenPoll, type PollKind } from './poll.js';

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
 * `/vote <n> <k>` or `/rate <n> <k>`, inside the command's transaction: the open poll of `kind` on
 * suggestion n (NO_OPEN_POLL / POLL_CLOSED otherwise) and the choice's number or text as a position
 * (BAD_CHOICE) are found here; the ballot or rating itself is the very statement a button press runs,
 * yishi_press_button (drizzle/0004), as the sender pressing that choice's button in this chat, so every
 * ballot rule has one implementation. Its update key is NULL: the command's wrapper records the update.
 */
export async function castByCommand(ctx: Ctx, s: Suggestion, k: string, kind?: PollKind): Promise<CommandResult> {
  const poll = await requireOpenPoll(ctx, s, 'share', kind);
  const position = resolveChoice(await choicesOf(ctx.tx, poll.id), k);
  if (!ctx.chat && ctx.identityId === undefined) throw new Error('castByCommand needs the bound chat the command came from, or the identity of the page');
  // The writer's identity (the command's wrapper has just ensured it), with its current name, so the
  // statement finds the member and has no name to refresh. From the resident page there is no chat: the
  // statement runs as a press in private, by a member (the wrapper has just made them one).
  const mine = ctx.identityId !== undefined ? sql`id = ${ctx.identityId}` : sql`person_id = ${ctx.personId} and platform = ${ctx.chat!.platform}`;
  const inGroup = ctx.chat !== undefined;
  const result = await ctx.tx.execute(sql`with me as (
      select platform, platform_user_id, display_name from identities where ${mine} order by id limit 1)
    select r.outcome, r.suggestion_number, r.label from me, yishi_press_button(
      me.platform, null, ${inGroup}, ${ctx.chat?.platformChatId ?? ''}, me.platform_user_id, me.display_name, ${ctx.lang}, ${poll.kind},
      ${poll.id}::integer, ${position}::integer, ${ctx.now.toISOString()}::timestamptz) r`);
  const r = pressOutcome(rowsOf<PressRow>(result)[0]);
  if (r.outcome === 'POLL_CLOSED') return refuse('POLL_CLOSED', { n: s.number });
  if (r.outcome !== 'cast' && r.outcome !== 'changed') throw new Error(`yishi_press_button refused a command's ballot: ${r.outcome}`);
  // The statement wrote this command's audit row (so a first-time voter gets no separate member.joined).
  ctx.audits.count++;
  return { reply: { text: ballotText(ctx.lang, poll.kind, r, s.number), confidential: true }, toast: ballotToast(ctx.lang, poll.kind, r), changedPollIds: [poll.id] };
}

/** The short answer to a stored ballot or rating: 已投 / 已改投 / 已评. */
export function ballotToast(lang: Lang, kind: PollKind, r: { outcome: 'cast' | 'changed'; label: string }): string {
  return kind === 'vote' ? t(lang, r.outcome === 'changed' ? 'vote.changed' : 'vote.toast', { choice: r.label }) : t(lang, 'rate.toast', { choice: r.label });
}

/** The reply to a stored /vote or /rate. */
function ballotText(lang: Lang, kind: PollKind, r: { outcome: 'cast' | 'changed'; label: string }, n: number): string {
  return kind === 'vote' ? t(lang, r.outcome === 'changed' ? 'vote.okChanged' : 'vote.ok', { n, choice: r.label }) : t(lang, 'rate.ok', { n, choice: r.label });
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
    lang: langOf(sender.lang),
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
 * (drizzle/0004_ballot_rules_one_home.sql) checks the update key, locks the poll FOR SHARE, refuses forged, stale
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
