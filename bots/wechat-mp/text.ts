/** What followers type, turned into what the core parses; and the core's replies as the account's text. Pure. */
import { COMMANDS, normalizeInput, parseCommand, type CommandName } from '../../src/core/parse.js';
import { stripUnsafe } from '../../src/domain/text.js';
import { t } from '../../src/i18n/index.js';
import type { Button, PollInfo } from '../../src/kernel/types.js';

/** A text message's content is at most this many UTF-8 bytes (WeChat's text message limit); longer is refused. */
export const MAX_TEXT_BYTES = 2048;

/** Phrases of the account's own (its menu says 我的): what they mean to the core. */
const OWN: Record<string, string> = { 我的积分: '/points', 我的: '/points' };

/**
 * A follower's text as the core parses it: full-width forms folded, `提议：…` with a colon read as `提议 …`,
 * an English command word without its slash (`vote 3 1`) given one, `我的积分` read as `/points`.
 */
export function commandText(raw: string): string {
  let text = normalizeInput(raw).replace(/[\s\u2005\u3000]+$/, '');
  const own = OWN[text];
  if (own) return own;
  text = text.replace(/^(\/?[^\s:：/]+)[:：]\s*/, '$1 ');
  const m = /^([A-Za-z][A-Za-z_-]*)(?=$|\s)/.exec(text);
  if (m && (COMMANDS as readonly string[]).includes(m[1]!.toLowerCase().replace(/-/g, '_'))) text = `/${text}`;
  return text;
}

/** `切换 <slug>` (the account's own command), or undefined. */
export function switchArgs(text: string): string | undefined {
  const m = /^\/?切换(?:\s+([\s\S]*))?$/.exec(text);
  return m ? (m[1] ?? '').trim() : undefined;
}

/** The command a text names, if any. */
export function commandOf(text: string): CommandName | undefined {
  const p = parseCommand(text);
  return p?.kind === 'command' ? p.name : undefined;
}

/**
 * A reply as the account's text: the account has no buttons, so choices become numbered lines and the
 * core's "press a button" hint becomes how to answer by text (`投票 3 1`).
 */
export function renderText(text: string, buttons: Button[][] | undefined, poll: PollInfo | undefined, lang?: string): string {
  const flat = (buttons ?? []).flat();
  if (!flat.length) return stripUnsafe(text);
  let lines = text.split('\n');
  const choices = flat.map((b, i) => `${i + 1}. ${b.label}`).join('  ');
  if (poll) {
    const n = poll.suggestionNumber;
    const hint = t(lang, poll.kind === 'rating' ? 'rating.hint' : 'poll.hint', { n });
    lines = lines.filter((l) => l !== hint);
    lines.push(choices, t(lang, poll.kind === 'rating' ? 'wechat.howToRate' : 'wechat.howToVote', { n }));
  } else lines.push(choices);
  return stripUnsafe(lines.join('\n'));
}

/** Splits text into parts of at most `maxBytes` UTF-8 bytes, at line breaks where it can. */
export function splitBytes(text: string, maxBytes = MAX_TEXT_BYTES): string[] {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return [text];
  const parts: string[] = [];
  let current = '';
  for (const ch of text) {
    if (Buffer.byteLength(current + ch, 'utf8') > maxBytes) {
      const cut = current.lastIndexOf('\n');
      if (cut > current.length / 2) {
        parts.push(current.slice(0, cut));
        current = current.slice(cut + 1);
      } else {
        parts.push(current);
        current = '';
      }
    }
    current += ch;
  }
  if (current) parts.push(current);
  return parts.filter((p) => p.trim());
}
