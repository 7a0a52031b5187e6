/** User text hygiene: what we store and echo never carries control, zero-width or bidi-override characters. */

// C0/C1 controls except \n and \t; zero-width and joiner characters; bidi embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]/g;

/** Drops the unsafe characters (and nothing else): for what goes out to a chat, whoever wrote it. */
export const stripUnsafe = (text: string): string => text.replace(UNSAFE, '');

/** Strips unsafe characters, turns tabs into spaces, trims, and squeezes blank lines. */
export function cleanText(input: string): string {
  return input
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(UNSAFE, '')
    .replace(/\t/g, ' ')
    .replace(/[ \u3000]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A single-line form, for names and list items. */
export function oneLine(input: string): string {
  return cleanText(input).replace(/\s*\n\s*/g, ' ');
}

/** Length in characters as people count them (code points, so an emoji is one). */
export const charLength = (s: string) => [...s].length;

/** Cuts `s` to `max` characters with an ellipsis. */
export function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

export const LIMITS = { suggestion: 500, comment: 500, place: 100, progress: 500, choice: 30, choices: 10, displayName: 64 } as const;

/** Telegram's message limit; nothing we send is longer. */
export const MAX_MESSAGE = 4096;

/**
 * `text` cut to at most `max` UTF-16 units (the platforms count those), ending with `tail` when cut;
 * never leaves half a surrogate pair at the cut.
 */
export function fitText(text: string, max: number, tail: string): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - tail.length));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + tail;
}
