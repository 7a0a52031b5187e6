/**
 * `/need <text> [points] [截止 <日期>] [capacity] [#n]` (需求 / 心愿): staff, or a grid worker of the
 * community, post a need in the bound group; the reply offers it with a claim button (认领). `#n` ties
 * it to item n, whose author is the resident who asked and may rate the service.
 */
import { needs } from '../db/schema.js';
import { DomainError, refuse } from '../domain/errors.js';
import { charLength, cleanText } from '../domain/text.js';
import { looksLikeDate, parseDay, zonedTimeToDate, type Day } from '../domain/time.js';
import { getSuggestion, type CommandResult, type Ctx } from '../kernel/context.js';
import { gridsOf, gridWorkerPersons } from '../org/grids.js';
import { isAreaStaff } from '../org/staff.js';
import { rulesOf } from '../points/rules.js';
import { actorOfGroup, auditIn } from './actor.js';
import { needOffer } from './needs.js';

export const NEED_EXAMPLE = '发布需求 帮3号楼独居老人买菜 10 截止 12月1日 2';
const NEED_MAX = 300;

export interface NeedArgs {
  text: string;
  points?: number;
  /** The day as typed (`2026-12-01`, `12月1日`, `明天`: time.ts parseDay reads it). */
  dueDate?: string;
  capacity?: number;
  item?: number;
}

const bad = (): never => refuse('BAD_NUMBER', { example: NEED_EXAMPLE });

/** Reads the optional tail (numbers, `by <date>`, `#n`) off the end of the text; what is left is the need. */
export function needArgs(args: string): NeedArgs {
  const words = cleanText(args).split(/\s+/).filter(Boolean);
  const tail: string[] = [];
  while (words.length) {
    const w = words[words.length - 1]!;
    if (/^(\d{1,4}|#\d{1,9})$/.test(w) || looksLikeDate(w)) tail.unshift(words.pop()!);
    else if (/^(by|截止|截至|到)$/i.test(w) && looksLikeDate(tail[0] ?? '')) words.pop();
    else break;
  }
  const out: NeedArgs = { text: words.join(' ') };
  const before: number[] = [];
  const after: number[] = [];
  for (const w of tail) {
    if (w.startsWith('#')) {
      if (out.item !== undefined) bad();
      out.item = Number(w.slice(1));
    } else if (looksLikeDate(w)) {
      if (out.dueDate) bad();
      out.dueDate = w;
    } else (out.dueDate ? after : before).push(Number(w));
  }
  const nums = out.dueDate ? before.concat(after) : before;
  if (out.dueDate ? before.length > 1 || after.length > 1 : nums.length > 2) bad();
  if (out.dueDate) {
    if (before.length) out.points = before[0];
    if (after.length) out.capacity = after[0];
  } else {
    out.points = nums[0];
    out.capacity = nums[1];
  }
  if (!out.text) refuse('EMPTY_TEXT', { example: NEED_EXAMPLE });
  if (charLength(out.text) > NEED_MAX) refuse('TEXT_TOO_LONG', { max: NEED_MAX });
  if (out.points !== undefined && out.points > 1000) bad();
  if (out.capacity !== undefined && (out.capacity < 1 || out.capacity > 100)) bad();
  return out;
}

/** The first instant after `day` in `tz` (a need "by" a day may be served all that day). */
export function endOfDay(day: Day, tz: string): Date {
  return zonedTimeToDate({ ...day, day: day.day + 1, hour: 0, minute: 0 }, tz);
}

const two = (n: number) => String(n).padStart(2, '0');

export async function postNeed(ctx: Ctx, a: NeedArgs): Promise<CommandResult> {
  const staff = await isAreaStaff(ctx.tx, ctx.community.id, ctx.personId);
  let workerGrid: number | undefined;
  if (!staff) {
    const mine: number[] = [];
    for (const g of await gridsOf(ctx.tx, ctx.community.id)) if ((await gridWorkerPersons(ctx.tx, g.id)).includes(ctx.personId)) mine.push(g.id);
    if (!mine.length) throw new DomainError('NOT_STAFF', {}, 'err.NOT_NEED_POSTER');
    if (mine.length === 1) workerGrid = mine[0];
  }
  let dueAt: Date | undefined;
  let dueDate: string | undefined;
  if (a.dueDate) {
    const day = parseDay(a.dueDate, ctx.tz, ctx.now);
    if (day) dueAt = endOfDay(day, ctx.tz);
    if (!day || !dueAt || dueAt.getTime() <= ctx.now.getTime()) return refuse('BAD_DATE', { example: NEED_EXAMPLE }, 'err.BAD_NEED_DATE');
    dueDate = `${day.year}-${two(day.month)}-${two(day.day)}`;
  }
  const item = a.item === undefined ? undefined : await getSuggestion(ctx, a.item);
  const rules = await rulesOf(ctx.tx, ctx.community.id, ctx.now);
  const [need] = await ctx.tx
    .insert(needs)
    .values({
      communityId: ctx.community.id,
      gridId: ctx.chat?.gridId ?? workerGrid ?? null,
      chatId: ctx.chat?.id ?? null,
      postedBy: ctx.personId,
      suggestionId: item?.id ?? null,
      askedBy: item?.authorId ?? null,
      text: a.text,
      points: a.points ?? rules.service,
      capacity: a.capacity ?? 1,
      dueDate: dueDate ?? null,
      dueAt: dueAt ?? null,
      createdAt: ctx.now,
    })
    .returning();
  await auditIn(actorOfGroup(ctx), ctx.community.id, 'need.posted', { needId: need!.id, points: need!.points, capacity: need!.capacity, due: need!.dueDate, item: a.item ?? null });
  ctx.emit({ type: 'need.changed', needId: need!.id });
  return { reply: needOffer(need!, 0, ctx.t) };
}
