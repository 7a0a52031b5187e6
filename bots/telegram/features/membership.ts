/**
 * my_chat_member: the bot's own standing in a group. Removed, kicked or restricted from writing: the
 * chat is marked inactive (nothing more is sent there); added back or allowed to write: active again.
 */
import { Composer, type Context } from 'grammy';
import type { ChatMember } from 'grammy/types';
import type { ChatFate } from '../chats.js';

export function membershipFeature(env: { fate: ChatFate }): Composer<Context> {
  const feature = new Composer<Context>();
  feature.on('my_chat_member', async (ctx) => {
    const { chat, new_chat_member: now } = ctx.myChatMember;
    if (chat.type === 'private' || chat.type === 'channel') return;
    const reason = inactiveReason(now);
    // A throw (database down) leaves the update unacknowledged, to be retried.
    if (reason) await env.fate.gone(String(chat.id), reason);
    else await env.fate.back(String(chat.id));
  });
  return feature;
}

/** Why the bot cannot write in the group as a member now is, or undefined when it can. */
export function inactiveReason(m: ChatMember): string | undefined {
  switch (m.status) {
    case 'kicked':
      return 'kicked';
    case 'left':
      return 'left';
    case 'restricted':
      return m.is_member && m.can_send_messages ? undefined : 'restricted';
    default:
      return undefined;
  }
}
