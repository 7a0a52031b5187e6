/** grammY context -> the core's Incoming. */
import type { Chat, User } from 'grammy/types';
import type { ChatRef, Incoming, Sender } from '../../src/kernel/types.js';

export function chatRef(chat: Chat, threadId?: number): ChatRef {
  return {
    platformChatId: String(chat.id),
    kind: chat.type === 'private' ? 'private' : 'group',
    title: 'title' in chat ? chat.title : undefined,
    ...(threadId !== undefined && chat.type !== 'private' ? { threadId: String(threadId) } : {}),
  };
}

export function displayName(from: User): string {
  return [from.first_name, from.last_name].filter(Boolean).join(' ').trim() || String(from.id);
}

export function sender(from: User): Sender {
  return { platformUserId: String(from.id), displayName: displayName(from), lang: from.language_code };
}

/** Extra facts about a message: its forum topic, and whether it was written on behalf of a chat. */
export interface MessageFacts {
  threadId?: number;
  anonymous?: boolean;
  /** The text of the message replied to. */
  replyToText?: string;
}

export function incoming(updateId: number, chat: Chat, from: User, what: { text: string } | { button: string }, facts: MessageFacts = {}): Incoming {
  return {
    platform: 'telegram',
    chat: chatRef(chat, facts.threadId),
    sender: sender(from),
    updateKey: String(updateId),
    ...what,
    ...(facts.anonymous ? { anonymous: true } : {}),
    ...(facts.replyToText ? { replyToText: facts.replyToText } : {}),
  };
}

/** Telegram's stand-ins for a group's anonymous admins and for channels writing in a group. */
export const GROUP_ANONYMOUS_BOT = 1087968824;
export const CHANNEL_BOT = 136817688;

/**
 * Written on behalf of a chat rather than a person: an anonymous admin (sender_chat is the group,
 * from is GroupAnonymousBot), a channel (sender_chat is the channel, from is Channel_Bot), or a
 * linked channel's post forwarded automatically (is_automatic_forward).
 */
export function onBehalfOfChat(message: { from?: User; sender_chat?: Chat; is_automatic_forward?: true }): boolean {
  return Boolean(message.sender_chat || message.is_automatic_forward || message.from?.id === GROUP_ANONYMOUS_BOT || message.from?.id === CHANNEL_BOT);
}

/**
 * The text to give the core, or undefined when the command is addressed to another bot
 * (`/help@OtherBot` in a group with several bots). `/cmd@ThisBot` becomes `/cmd`.
 */
export function commandText(text: string, botUsername: string): string | undefined {
  const m = /^\s*[/\uFF0F]([^\s@]+)@([A-Za-z0-9_]+)(?=\s|$)/.exec(text);
  if (!m) return text;
  if (m[2]!.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return `/${m[1]}${text.slice(m[0].length)}`;
}
