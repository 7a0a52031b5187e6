/** What WeCom residents type, turned into what the core parses; and the core's text made safe for WeCom. Pure. */
import { clip, stripUnsafe } from '../../src/domain/text.js';
import { normalizeChatText } from '../../src/core/parse.js';

/**
 * Removes the @-mentions a group message starts with (`@议事 /suggest …`): WeCom clients end a mention
 * with a space, others with U+2005. Mentions later in the text (in a suggestion) stay as typed.
 */
export function stripMentions(raw: string): string {
  let text = raw.replace(/^[\s\u2005\u3000]+/, '');
  while (text.startsWith('@')) {
    const end = text.search(/[\s\u2005\u3000]/);
    if (end < 0) return '';
    text = text.slice(end).replace(/^[\s\u2005\u3000]+/, '');
  }
  return text;
}

/** A WeCom message's text as the core parses it: mentions stripped, the command word normalized (by the core's list). */
export function commandText(raw: string): string {
  return normalizeChatText(stripMentions(raw));
}

/** The person key of a WeCom user: the userid, prefixed by the corp id when WeCom sends one (other corps' users). */
export function userKey(from: { userid: string; corpid?: string }): string {
  return from.corpid ? `${from.corpid}:${from.userid}` : from.userid;
}

/**
 * The core's text as WeCom markdown: no control or bidi characters, and user text cannot turn into
 * markup (a link, a <font> tag); everything the core writes (`#12`, `2/3`, `同意 4`) reads the same.
 */
export function markdownSafe(text: string): string {
  return stripUnsafe(text)
    .replace(/</g, '＜')
    .replace(/>/g, '＞')
    .replace(/\]\(/g, '] (')
    .replace(/`/g, 'ˋ');
}

/** Splits text into parts of at most `maxBytes` UTF-8 bytes, at line breaks where it can. */
export function splitBytes(text: string, maxBytes: number): string[] {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return [text];
  const parts: string[] = [];
  let current = '';
  const push = () => {
    if (current) parts.push(current.replace(/\n+$/, ''));
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (Buffer.byteLength(candidate, 'utf8') <= maxBytes) {
      current = candidate;
      continue;
    }
    push();
    // A single line longer than the limit is cut by characters.
    let rest = line;
    while (Buffer.byteLength(rest, 'utf8') > maxBytes) {
      let cut = '';
      for (const ch of rest) {
        if (Buffer.byteLength(cut + ch, 'utf8') > maxBytes) break;
        cut += ch;
      }
      parts.push(cut);
      rest = rest.slice(cut.length);
    }
    current = rest;
  }
  push();
  return parts.filter((p) => p.length > 0);
}

/** A short line for a card field ("建议不超过 N 个字"): one line, clipped. */
export const cardLine = (text: string, max: number) => clip(stripUnsafe(text).replace(/\s+/g, ' ').trim(), max);
