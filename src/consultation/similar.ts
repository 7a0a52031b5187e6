/**
 * Similar open items, found when a suggestion is raised: the reply to `/suggest` names up to three
 * (`#k`) and how to support one instead, with a 附议 #k button each (`sp:<k>`). The method is
 * src/domain/similarity.ts; this reads the community's open items and words the reply.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { suggestions, type Stage } from '../db/schema.js';
import type { Button, Reply } from '../domain/messages.js';
import { decodeProfile, findSimilar, profile, PROFILE_VERSION, type Profile } from '../domain/similarity.js';
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
  // The text only of rows whose stored features are missing or of another version (computed again here).
  const rows = await ctx.tx
    .select({
      number: suggestions.number,
      similarity: suggestions.similarity,
      text: sql<string | null>`case when ${suggestions.similarity} like ${PROFILE_VERSION + ' %'} then null else ${suggestions.text} end`,
    })
    .from(suggestions)
    .where(and(eq(suggestions.communityId, ctx.community.id), inArray(suggestions.stage, [...OPEN_STAGES])));
  const items = rows.map((r) => ({ key: r.number, profile: decodeProfile(r.similarity) ?? profile(r.text ?? '') }));
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
