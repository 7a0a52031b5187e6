/**
 * 报到 and 答复: only the whistled unit's contacts, in the item's group or privately. Privately `<n>` is
 * looked up among the open whistles of the person's units; `<community>#<n>` tells two communities apart.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { chats, communities, memberUnits, suggestions, whistles } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { writeOutbox } from '../messaging/outbox.js';
import type { CommandResult } from '../kernel/context.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { unitIdsOfPerson } from '../org/units.js';
import { creditWhistleOnTime } from '../points/ledger.js';
import { auditWhistle, type Actor } from './actor.js';

export type Whistle = typeof whistles.$inferSelect;

export interface ItemRef {
  /** A community slug (`demo#3`), or undefined for a bare number. */
  slug?: string;
  n: number;
}

/** The open whistle on item `ref` of one of the person's units, locked; refusals say why there is none. */
export async function findOpenWhistle(a: Actor, ref: ItemRef, communityId?: number): Promise<Whistle> {
  const units = await unitIdsOfPerson(a.tx, a.personId);
  const where = [eq(suggestions.number, ref.n), isNull(whistles.answeredAt)];
  if (communityId !== undefined) where.push(eq(whistles.communityId, communityId));
  if (ref.slug !== undefined) where.push(eq(communities.slug, ref.slug));
  const open = await a.tx
    .select({ w: whistles, slug: communities.slug })
    .from(whistles)
    .innerJoin(suggestions, eq(suggestions.id, whistles.suggestionId))
    .innerJoin(communities, eq(communities.id, whistles.communityId))
    .where(and(...where))
    .orderBy(asc(whistles.id));
  const mine = open.filter((r) => units.includes(r.w.unitId));
  if (!mine.length) {
    // Somebody else's whistle on this item: a refusal that names the rule, not "nothing here".
    if (open.length) return refuse('NOT_UNIT_CONTACT', { n: ref.n });
    return refuse('NO_OPEN_WHISTLE', { n: ref.slug ? `${ref.slug}#${ref.n}` : ref.n });
  }
  const slugs = [...new Set(mine.map((r) => r.slug))];
  if (slugs.length > 1) return refuse('AMBIGUOUS_WHISTLE', { n: ref.n, choices: slugs.map((s) => `${s}#${ref.n}`).join('、') });
  const [locked] = await a.tx.select().from(whistles).where(eq(whistles.id, mine[0]!.w.id)).for('update');
  return locked!;
}

async function context(a: Actor, w: Whistle) {
  const [row] = await a.tx
    .select({ n: suggestions.number, unit: memberUnits.name, community: communities.name, slug: communities.slug })
    .from(whistles)
    .innerJoin(suggestions, eq(suggestions.id, whistles.suggestionId))
    .innerJoin(memberUnits, eq(memberUnits.id, whistles.unitId))
    .innerJoin(communities, eq(communities.id, whistles.communityId))
    .where(eq(whistles.id, w.id));
  return row!;
}

/** Posts a step's message to the item's group, unless the command was written in that group (its reply is the post). */
async function postToGroup(a: Actor, w: Whistle, step: 'report' | 'answer', text: (lang: string) => string): Promise<void> {
  if (!w.chatId || w.chatId === a.chatId) return;
  const [chat] = await a.tx.select().from(chats).where(eq(chats.id, w.chatId));
  if (!chat) return;
  const [c] = await a.tx.select({ lang: communities.lang }).from(communities).where(eq(communities.id, w.communityId));
  const written = await writeOutbox(a.tx, [
    { platform: chat.platform, platformChatId: chat.platformChatId, dedupeKey: outboxKeys.whistleStepToChat(w.id, step), payload: { text: text(c?.lang ?? 'zh') } },
  ]);
  if (written.length) a.emit({ type: 'outbox.queued', dedupeKeys: written });
}

/** 报到: the unit acknowledges the whistle. */
export async function reportWhistle(a: Actor, ref: ItemRef, communityId?: number): Promise<CommandResult> {
  const w = await findOpenWhistle(a, ref, communityId);
  if (w.reportedAt) return refuse('ALREADY_REPORTED', { n: ref.n });
  await a.tx.update(whistles).set({ reportedAt: a.now, reportedBy: a.personId }).where(eq(whistles.id, w.id));
  const c = await context(a, w);
  const onTime = a.now.getTime() <= w.reportDueAt.getTime();
  await auditWhistle(a, 'whistle.reported', { communityId: w.communityId, suggestionId: w.suggestionId }, { whistleId: w.id, number: c.n, unit: c.unit, onTime });
  await postToGroup(a, w, 'report', (lang) => t(lang, 'whistle.reported', { unit: c.unit, n: c.n }));
  a.emit({ type: 'whistle.changed', whistleId: w.id });
  return { reply: { text: a.t('whistle.reported', { unit: c.unit, n: c.n }) } };
}

/** 答复: the unit answers; an answer without a report counts as the report too. */
export async function answerWhistle(a: Actor, ref: ItemRef, text: string, communityId?: number): Promise<CommandResult> {
  const w = await findOpenWhistle(a, ref, communityId);
  await a.tx
    .update(whistles)
    .set({ answeredAt: a.now, answeredBy: a.personId, answer: text, ...(w.reportedAt ? {} : { reportedAt: a.now, reportedBy: a.personId }) })
    .where(eq(whistles.id, w.id));
  const c = await context(a, w);
  const onTime = a.now.getTime() <= w.answerDueAt.getTime();
  // 积分: a whistle answered on time earns its unit the community's points (src/points/rules.ts).
  const credited = await creditWhistleOnTime(a.tx, w, c.unit, a.now, a.personId);
  await auditWhistle(a, 'whistle.answered', { communityId: w.communityId, suggestionId: w.suggestionId }, { whistleId: w.id, number: c.n, unit: c.unit, onTime, text, points: credited?.points ?? 0 });
  const post = (lang: string) => t(lang, 'whistle.answered', { unit: c.unit, n: c.n, text: clip(oneLine(text), 1000) });
  await postToGroup(a, w, 'answer', post);
  a.emit({ type: 'whistle.changed', whistleId: w.id });
  return { reply: { text: w.chatId && w.chatId !== a.chatId ? a.t('whistle.answeredPosted', { n: c.n }) : post(a.lang) } };
}

