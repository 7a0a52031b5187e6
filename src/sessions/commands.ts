/** The staff page's chat commands: `/web` (网页) and `/notice <n>` (公示), privately. */
import { readableCommunities } from './readable.js';
import { and, eq } from 'drizzle-orm';
import { suggestions } from '../db/schema.js';
import { parseArg, suggestionNumber } from '../domain/args.js';
import { refuse } from '../domain/errors.js';
import { leadingSlug } from '../domain/slug.js';
import type { CommandResult } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { latestNotice } from '../reports/attachments.js';
import { createSignInLink, staffCommunities } from './sessions.js';
import { publicWebUrl, signInUrl } from './url.js';

/** `/web`: a one-time sign-in link for staff of at least one community. */
export async function webCommand(ctx: PersonCtx, _args: string): Promise<CommandResult> {
  const mine = await staffCommunities(ctx.tx, ctx.personId);
  // Supervisors and street/district staff read too (src/sessions/readable.ts).
  if (!mine.length && !(await readableCommunities(ctx.tx, ctx.personId)).length) return refuse('NOT_STAFF');
  const token = await createSignInLink(ctx.tx, ctx.personId, ctx.now);
  await ctx.audit('web.link_sent', { platform: ctx.platform });
  return { reply: { text: ctx.t('web.link', { url: signInUrl(publicWebUrl(), token) }), to: 'private' } };
}

/** `/notice <n>` or `/notice <community>#<n>`: the 公示 PDF of the item's latest closed vote, rating or owners' vote. */
export async function noticeCommand(ctx: PersonCtx, args: string): Promise<CommandResult> {
  const mine = await staffCommunities(ctx.tx, ctx.personId);
  if (!mine.length) return refuse('NOT_STAFF');
  const m = leadingSlug(args);
  const n = parseArg(suggestionNumber('/notice 3'), m ? m.rest : args);
  let community = mine[0]!;
  if (m) {
    const found = mine.find((c) => c.slug === m.slug);
    if (!found) return refuse('NOT_STAFF');
    community = found;
  } else if (mine.length > 1) {
    return refuse('UNKNOWN_COMMUNITY', { slug: mine[0]!.slug }, 'web.notice.which');
  }
  const [s] = await ctx.tx.select().from(suggestions).where(and(eq(suggestions.communityId, community.id), eq(suggestions.number, n)));
  if (!s) return refuse('UNKNOWN_SUGGESTION', { n });
  const attachment = await latestNotice(ctx.tx, s.id);
  if (!attachment) return { reply: { text: ctx.t('web.notice.none', { n }) } };
  return { reply: { text: ctx.t('web.notice.reply', { n }), to: 'private', attachment } };
}
