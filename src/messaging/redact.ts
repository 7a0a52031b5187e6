/**
 * Secrets never kept at rest: the stored copy of a reply (processed_updates.replies) has its sign-in and
 * personal links cut down to where they lead. A link is secret when a path segment or query value is a
 * token of 32 or more URL-safe characters (newSecret's 43), whatever the page it opens, so a new kind
 * of personal link is covered without being listed here.
 */
import type { Reply } from '../domain/messages.js';

const URL_RE = /https?:\/\/[^\s<>"'，。；）)]+/g;
const TOKEN_RE = /([/=])[A-Za-z0-9_-]{32,}/g;

/** The text with every secret link's token replaced by `…` (the rest of the URL kept). */
export function redactLinks(text: string): string {
  return text.replace(URL_RE, (url) => url.replace(TOKEN_RE, '$1…'));
}

/** A reply as it may be stored: its text without secret links. */
export function storedReply(reply: Reply): Reply {
  const text = redactLinks(reply.text);
  return text === reply.text ? reply : { ...reply, text };
}
