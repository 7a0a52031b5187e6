/** Opening a vote (民决) or rating round (民评), and the ballot message with its live counts. */
import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { ballots, pollChoices, polls, ratings, suggestions } from '../db/schema.js';
import type { Button, Reply } from '../domain/messages.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { t, type Lang } from '../i18n/index.js';
import { formatLocal } from '../domain/time.js';
import type { Ctx, Suggestion } from '../kernel/context.js';

export type Poll = typeof polls.$inferSelect;
export type PollKind = Poll['kind'];

/** Button data: `v:<pollId>:<k>` for a ballot, `r:<pollId>:<k>` for a rating; far below 64 bytes. */
export const buttonData = (kind: PollKind, pollId: number, k: number) => `${kind === 'vote' ? 'v' : 'r'}:${pollId}:${k}`;

export async function choicesOf(db: Db | Tx, pollId: number): Promise<string[]> {
  const rows = await db.select().from(pollChoices).where(eq(pollChoices.pollId, pollId)).orderBy(asc(pollChoices.position));
  return rows.map((r) => r.label);
}

/** Ballots (or ratings) per choice position 1..n, as an array indexed from 0. */
export async function countsOf(db: Db | Tx, poll: Pick<Poll, 'id' | 'kind'>, n: number): Promise<number[]> {
  const rows =
    poll.kind === 'vote'
      ? await db.select({ k: ballots.choice, c: count() }).from(ballots).where(eq(ballots.pollId, poll.id)).groupBy(ballots.choice)
      : await db.select({ k: ratings.level, c: count() }).from(ratings).where(eq(ratings.pollId, poll.id)).groupBy(ratings.level);
  const out = Array.from({ length: n }, () => 0);
  for (const r of rows) if (r.k >= 1 && r.k <= n) out[r.k - 1] = Number(r.c);
  return out;
}

/** `同意 4 · 反对 0 · 弃权 1`: each choice followed by its count. */
export const formatCounts = (labels: readonly string[], counts: readonly number[]) => labels.map((l, i) => `${l} ${counts[i] ?? 0}`).join(' · ');

export function ballotButtons(kind: PollKind, pollId: number, labels: readonly string[]): Button[][] {
  const buttons = labels.map((label, i) => ({ label, data: buttonData(kind, pollId, i + 1) }));
  // Short labels side by side (three to a row), long ones one per row.
  const perRow = labels.every((l) => [...l].length <= 8) ? 3 : 1;
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return rows;
}

/** The ballot message: title, live counts, deadline, hint, one button per choice. */
export function renderBallot(lang: Lang, tz: string, s: Pick<Suggestion, 'number' | 'text'>, poll: Poll, labels: string[], counts: number[]): Reply {
  const total = counts.reduce((a, b) => a + b, 0);
  const title = t(lang, poll.kind === 'vote' ? 'poll.title' : 'rating.title', { n: s.number, text: clip(oneLine(s.text), 80) });
  const lines = [title, t(lang, 'poll.live', { counts: formatCounts(labels, counts), total })];
  if (poll.status === 'open') {
    lines.push(t(lang, 'poll.deadline', { when: formatLocal(poll.deadline, tz) }));
    lines.push(t(lang, poll.kind === 'vote' ? 'poll.hint' : 'rating.hint', { n: s.number }));
    return { text: lines.join('\n'), buttons: ballotButtons(poll.kind, poll.id, labels), pollId: poll.id };
  }
  lines.push(t(lang, 'poll.closedNote'));
  return { text: lines.join('\n'), pollId: poll.id };
}

/** Opens a poll on `s` in the command's chat; the caller sets the stage and audits. */
export async function openPoll(ctx: Ctx, s: Suggestion, kind: PollKind, labels: string[], durationMs: number): Promise<{ poll: Poll; reply: Reply }> {
  const deadline = new Date(ctx.now.getTime() + durationMs);
  const [poll] = await ctx.tx
    .insert(polls)
    .values({ suggestionId: s.id, kind, chatId: ctx.chat?.id ?? s.chatId, threadId: ctx.threadId ?? null, deadline, openedBy: ctx.personId, openedAt: ctx.now })
    .returning();
  await ctx.tx.insert(pollChoices).values(labels.map((label, i) => ({ pollId: poll.id, position: i + 1, label })));
  ctx.emit({ type: 'poll.opened', pollId: poll.id, kind, deadline });
  return { poll, reply: renderBallot(ctx.lang, ctx.tz, s, poll, labels, labels.map(() => 0)) };
}

/** The open poll on `s`, locked as asked; refuses with POLL_CLOSED or NO_OPEN_POLL. */
export async function requireOpenPoll(ctx: Ctx, s: Suggestion, lock: 'share' | 'update', kind?: PollKind): Promise<Poll> {
  const where = and(eq(polls.suggestionId, s.id), eq(polls.status, 'open'), kind ? eq(polls.kind, kind) : undefined);
  const [poll] = await ctx.tx.select().from(polls).where(where).for(lock);
  if (poll && poll.status === 'open') return poll;
  const [last] = await ctx.tx.select().from(polls).where(and(eq(polls.suggestionId, s.id), kind ? eq(polls.kind, kind) : undefined)).orderBy(desc(polls.id)).limit(1);
  // A round that has closed is "closed"; nothing ever opened is "no open poll".
  if (last && last.status === 'closed') return refuse('POLL_CLOSED', { n: s.number });
  return refuse('NO_OPEN_POLL', { n: s.number });
}

/** The ballot view of a poll as it stands (for live-count edits). */
export async function ballotView(db: Db, pollId: number, lang: Lang, tz: string): Promise<Reply | undefined> {
  const [row] = await db.select({ poll: polls, s: suggestions }).from(polls).innerJoin(suggestions, eq(polls.suggestionId, suggestions.id)).where(eq(polls.id, pollId));
  if (!row) return undefined;
  const labels = await choicesOf(db, pollId);
  const counts = await countsOf(db, row.poll, labels.length);
  return renderBallot(lang, tz, row.s, row.poll, labels, counts);
}
