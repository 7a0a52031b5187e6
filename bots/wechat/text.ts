/** Turning what residents type in WeChat into the text the core parses. Pure functions, no Wechaty. */

import { normalizeChatText } from '../../src/core/parse.js';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes @-mentions of the bot (WeChat writes `@name` followed by U+2005) and normalizes the command
 * word as the core does for every typed chat (`normalizeChatText`: which words are commands is the
 * core's list), so `@议事 附议 １２`, `／提议：东门路灯坏了` and `vote 12 1` reach the core as commands.
 * Everything after the command word and its numbers is left exactly as typed.
 */
export function normalizeCommandText(raw: string, botNames: readonly string[] = []): string {
  let text = raw;
  for (const name of botNames) {
    if (!name) continue;
    text = text.replace(new RegExp(`@${escapeRegExp(name)}(?:[\u2005\u0020\u3000]|$)`, 'g'), ' ');
  }
  return normalizeChatText(text);
}

/**
 * Splits a long text into parts of at most `max` characters, preferring line breaks, so every part
 * stays within what WeChat delivers in one bubble.
 */
export function splitText(text: string, max: number): string[] {
  const chars = [...text];
  if (chars.length <= max) return [text];
  const parts: string[] = [];
  let rest = chars;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut).join('').replace(/\n+$/, ''));
    rest = rest.slice(cut);
    while (rest[0] === '\n') rest = rest.slice(1);
  }
  if (rest.length) parts.push(rest.join(''));
  return parts.filter((p) => p.length > 0);
}
