/** `/start` in a private chat: remembers where the bot may write to this person privately. */
import { eq } from 'drizzle-orm';
import { identities } from '../db/schema.js';
import type { CommandResult } from '../consultation/context.js';
import type { PersonCtx } from './context.js';

export async function start(ctx: PersonCtx): Promise<CommandResult> {
  if (ctx.privateChatId !== ctx.where.platformChatId) {
    await ctx.tx.update(identities).set({ privateChatId: ctx.where.platformChatId }).where(eq(identities.id, ctx.identityId));
    await ctx.audit('identity.started', { platform: ctx.platform });
  }
  return { reply: { text: ctx.t('start.ok', { name: ctx.displayName }) } };
}
