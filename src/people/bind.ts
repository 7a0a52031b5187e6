/** `/bind <community>` (its name or slug) in a group: staff of that community bind the chat to it (or move it from another). */
import { chats } from '../db/schema.js';
import { splitArgs } from '../domain/args.js';
import { communityByName } from '../org/communities.js';
import { resolveGrid } from '../org/grids.js';
import { refuse } from '../domain/errors.js';
import type { CommandResult } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { roleOf, safeName } from '../kernel/persons.js';

export async function bind(ctx: PersonCtx, args: string): Promise<CommandResult> {
  if (ctx.where.kind !== 'group') return refuse('GROUP_ONLY');
  const [slugText = '', gridText] = splitArgs(args, 2);
  if (!slugText) return refuse('EMPTY_TEXT', { example: '/bind demo' });
  const community = await communityByName(ctx.tx, slugText);
  const slug = community.slug;
  if ((await roleOf(ctx.tx, community.id, ctx.personId)) !== 'staff') return refuse('NOT_STAFF');
  // `/bind <community> <grid>`: the chat files its items in that grid (src/org/grids.ts).
  const grid = gridText ? await resolveGrid(ctx.tx, community.id, gridText) : undefined;
  const name = grid ? `${community.name} · ${grid.name}` : community.name;
  const chat = ctx.where.chat;
  if (chat?.communityId === community.id && (chat.gridId ?? null) === (grid?.id ?? null)) return { reply: { text: ctx.t('bind.already', { name, slug }) } };
  const title = ctx.where.title ? safeName(ctx.where.title, '') : null;
  const [row] = await ctx.tx
    .insert(chats)
    .values({ platform: ctx.platform, platformChatId: ctx.where.platformChatId, kind: 'group', title, communityId: community.id, gridId: grid?.id ?? null, boundAt: ctx.now, createdAt: ctx.now })
    .onConflictDoUpdate({ target: [chats.platform, chats.platformChatId], set: { communityId: community.id, gridId: grid?.id ?? null, boundAt: ctx.now, title } })
    .returning();
  await ctx.audit('chat.bound', { chatId: row.id, platform: ctx.platform, platformChatId: ctx.where.platformChatId, from: chat?.communityId ?? null, gridId: grid?.id ?? null }, community.id);
  ctx.emit({ type: 'chat.bound', communityId: community.id, platform: ctx.platform, platformChatId: ctx.where.platformChatId });
  return { reply: { text: ctx.t('bind.ok', { name, slug }) } };
}
