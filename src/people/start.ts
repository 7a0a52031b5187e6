/** `/start` in a private chat: remembers where the bot may write to this person privately. */
import { eq } from 'drizzle-orm';
import { identities } from '../db/schema.js';
import type { CommandResult } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { link } from './link-command.js';

export async function start(ctx: PersonCtx, args = ''): Promise<CommandResult> {
  if (ctx.privateChatId !== ctx.where.platformChatId) {
    await ctx.tx.update(identities).set({ privateChatId: ctx.where.platformChatId }).where(eq(identities.id, ctx.identityId));
    await ctx.audit('identity.started', { platform: ctx.platform });
  }
  // A deep link (t.me/<bot>?start=link-<code>) arrives as `/start link-<code>`: it redeems the link code.
  const deep = DEEP_LINK.exec(args.trim());
  if (deep) return link({ ...ctx, where: { kind: 'private' } }, deep[1]!);
  return { reply: { text: ctx.t('start.ok', { name: ctx.displayName }) } };
}

/** The deep-link payloads /start understands (Telegram allows A-Z a-z 0-9 _ - in a payload); others are ignored. */
const DEEP_LINK = /^link[-_]([A-Za-z0-9]{4,16})$/;
