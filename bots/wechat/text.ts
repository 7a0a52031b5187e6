/** Turning what residents type in WeChat into the text the core parses. Pure functions, no Wechaty. */

/** English command names the core knows; typed without the slash they still count as commands. */
const ENGLISH_COMMANDS = new Set([
  'start', 'help', 'bind', 'suggest', 'support', 'comment', 'list', 'show', 'agenda', 'poll', 'vote', 'close',
  'progress', 'done', 'rate', 'withdraw', 'link', 'chair', 'meeting', 'stats',
]);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Full-width digits (１２) as residents' IMEs often produce them. */
const toAsciiDigits = (s: string) => s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

/**
 * Removes @-mentions of the bot (WeChat writes `@name` followed by U+2005) and normalizes the command
 * word, so `@议事 附议 １２`, `／提议：东门路灯坏了` and `vote 12 1` reach the core as commands.
 * Everything after the command word and its numbers is left exactly as typed.
 */
export function normalizeCommandText(raw: string, botNames: readonly string[] = []): string {
  let text = raw;
  for (const name of botNames) {
    if (!name) continue;
    text = text.replace(new RegExp(`@${escapeRegExp(name)}(?:[\u2005\u0020\u3000]|$)`, 'g'), ' ');
  }
  // WeChat separates mentions with U+2005; the full-width space comes from Chinese IMEs.
  text = text.replace(/^[\s\u2005\u3000]+/, '').replace(/[\s\u2005\u3000]+$/, '');
  text = text.replace(/^／/, '/');
  // The command word, optionally followed by a colon (提议：…) instead of a space.
  const m = /^(\/?)([^\s\u2005\u3000:：/]+)([:：]|[\s\u2005\u3000]+|$)/.exec(text);
  if (!m) return text;
  const [head, slash, word, sep] = m;
  let rest = text.slice(head.length);
  // Only the leading numbers (`12 1`) are normalized; free text such as a suggestion stays as typed.
  rest = rest.replace(/^([0-9０-９]+)(?:[\s\u2005\u3000]+([0-9０-９]+))?/, (all) => toAsciiDigits(all).replace(/[\u2005\u3000]+/g, ' '));
  const prefix = slash || !ENGLISH_COMMANDS.has(word.toLowerCase()) ? slash : '/';
  const command = prefix === '/' && ENGLISH_COMMANDS.has(word.toLowerCase()) ? word.toLowerCase() : word;
  const space = /^[:：]$/.test(sep) || !sep ? ' ' : sep.replace(/[\u2005\u3000]+/g, ' ');
  return rest ? `${prefix}${command}${space}${rest}` : `${prefix}${command}`;
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
