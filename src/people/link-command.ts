/** `/link [code]`: without a code, a one-time code (privately when asked in a group); with one, redeemed here. */
import { eq } from 'drizzle-orm';
import { identities } from '../db/schema.js';
import { linkCode, parseArg } from '../domain/args.js';
import type { CommandResult } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';

/** Who links: a person writing from one platform identity, in a group or privately. */
export type LinkCtx = Pick<PersonCtx, 'tx' | 'now' | 't' | 'platform' | 'personId' | 'identityId'> & { where: { kind: 'group' | 'private' } };
import { createLinkCode, redeemLinkCode } from './link.js';

export async function link(ctx: LinkCtx, args: string): Promise<CommandResult> {
  if (!args.trim()) {
    const code = await createLinkCode(ctx.tx, ctx.personId, ctx.platform, ctx.now);
    // In a group the code goes to the sender in private: whoever redeems it joins this person.
    return { reply: { text: ctx.t('link.code', { code }), to: ctx.where.kind === 'group' ? 'private' : 'chat' } };
  }
  const { personId } = await redeemLinkCode(ctx.tx, parseArg(linkCode, args), ctx.identityId, ctx.now);
  const [p] = await ctx.tx.select({ name: identities.displayName }).from(identities).where(eq(identities.personId, personId)).limit(1);
  return { reply: { text: ctx.t('link.ok', { name: p?.name ?? '' }) } };
}
