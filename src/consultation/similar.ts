/**
 * Similar open items, found when a suggestion is raised: the reply to `/suggest` names up to three
 * (`#k`) and how to support one instead, with a 附议 #k button each (`sp:<k>`). The method is
 * src/domain/similarity.ts; this reads the community's open items and words the reply.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { suggestions, type Stage } from '../db/schema.js';
import type { Button, Reply } from '../domain/messages.js';
import { findSimilar, profile, PROFILE_VERSION, readProfile, type Profile } from '../domain/similarity.js';
import { clip, oneLine } from '../domain/text.js';
import type { Ctx } from '../kernel/context.js';
import { OPEN_STAGES, SUPPORT_STAGES } from './stages.js';

export interface SimilarItem {
  number: number;
  text: string;
  stage: Stage;
  supportCount: number;
}

/** Up to three open items of the community about the same matter as `features`, best first. */
export async function similarOpenItems(ctx: Ctx, features: Profile): Promise<SimilarItem[]> {
  const open = and(eq(suggestions.communityId, ctx.community.id), inArray(suggestions.stage, [...OPEN_STAGES]));
  const current = sql`get_byte(${suggestions.similarity}, 0) = ${PROFILE_VERSION}`;
  // The stored features of every open item as one value: each item's number (4 bytes, big-endian) and
  // its profile, in base64 (which PGlite hands over several times faster than a bytea). Thousands of
  // rows, or arrays of numbers, would cost both drivers far more than these bytes.
  const [stored] = await ctx.tx
    .select({ bytes: sql<string | null>`encode(string_agg(int4send(${suggestions.number}) || ${suggestions.similarity}, ''::bytea), 'base64')` })
    .from(suggestions)
    .where(and(open, current));
  // Items raised before the features were stored, or with another version of them: from their text.
  const stale = await ctx.tx.select({ number: suggestions.number, text: suggestions.text }).from(suggestions).where(and(open, sql`not coalesce(${current}, false)`));
  const items: { key: number; profile: Profile }[] = stale.map((r) => ({ key: r.number, profile: profile(r.text) }));
  const bytes = Buffer.from(stored?.bytes ?? '', 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 8 <= bytes.byteLength; ) {
    const number = view.getInt32(at, false);
    const { profile: p, end } = readProfile(view, at + 4);
    if (p) items.push({ key: number, profile: p });
    at = end;
  }
  const found = findSimilar(features, items).map((x) => x.key);
  if (!found.length) return [];
  const details = await ctx.tx
    .select({ number: suggestions.number, text: suggestions.text, stage: suggestions.stage, supportCount: suggestions.supportCount })
    .from(suggestions)
    .where(and(eq(suggestions.communityId, ctx.community.id), inArray(suggestions.number, found)));
  return found.map((k) => details.find((d) => d.number === k)!);
}

/** The reply to `/suggest` with the similar items named after it, and a support button each. */
export function withSimilar(ctx: Ctx, reply: Reply, n: number, similar: readonly SimilarItem[]): Reply {
  if (!similar.length) return reply;
  const threshold = ctx.community.supportThreshold;
  const lines = [reply.text, '', ctx.t('similar.head')];
  for (const s of similar) lines.push(ctx.t('similar.item', { k: s.number, text: clip(oneLine(s.text), 60), stage: ctx.t(`stage.${s.stage}`), count: s.supportCount, threshold }));
  // Support is offered where it is still possible (before the vote); otherwise how to follow the item.
  const supportable = similar.filter((s) => (SUPPORT_STAGES as readonly Stage[]).includes(s.stage));
  lines.push(supportable.length ? ctx.t('similar.hint', { k: supportable[0]!.number, n }) : ctx.t('similar.hintShow', { k: similar[0]!.number, n }));
  if (!supportable.length) return { ...reply, text: lines.join('\n') };
  const buttons: Button[][] = [supportable.map((s) => ({ label: ctx.t('similar.button', { k: s.number }), data: supportButtonData(s.number) }))];
  return { ...reply, text: lines.join('\n'), buttons };
}

/** A support button's data: `sp:<n>` (routed in src/core/router.ts). */
export const supportButtonData = (n: number) => `sp:${n}`;
