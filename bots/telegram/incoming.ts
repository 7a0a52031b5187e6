/** grammY context -> the core's Incoming. */
import type { Chat, User } from 'grammy/types';
import type { ChatRef, Incoming, Sender } from '../../src/core/types.js';

export function chatRef(chat: Chat): ChatRef {
  return {
    platformChatId: String(chat.id),
    kind: chat.type === 'private' ? 'private' : 'group',
    title: 'title' in chat ? chat.title : undefined,
  };
}

export function sender(from: User): Sender {
  return {
    platformUserId: String(from.id),
    displayName: [from.first_name, from.last_name].filter(Boolean).join(' ').trim() || String(from.id),
    lang: from.language_code,
  };
}

export function incoming(updateId: number, chat: Chat, from: User, what: { text: string } | { button: string }): Incoming {
  return { platform: 'telegram', chat: chatRef(chat), sender: sender(from), updateKey: String(updateId), ...what };
}

/**
 * The text to give the core, or undefined when the command is addressed to another bot
 * (`/help@OtherBot` in a group with several bots). `/cmd@ThisBot` becomes `/cmd`.
 */
export function commandText(text: string, botUsername: string): string | undefined {
  const m = /^\/([A-Za-z0-9_]+)@([A-Za-z0-9_]+)(?=\s|$)/.exec(text);
  if (!m) return text;
  if (m[2]!.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return `/${m[1]}${text.slice(m[0].length)}`;
}
