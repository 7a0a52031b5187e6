/** Reply -> Telegram message parts. Plain text only (no parse_mode), so user text can't inject markup. */
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Button } from '../../src/core/types.js';

export const MAX_MESSAGE_LENGTH = 4096;
export const MAX_TOAST_LENGTH = 200;
const MAX_CALLBACK_DATA_BYTES = 64;

// C0 controls except tab/newline, DEL, and the bidi embedding/override/isolate characters.
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/** Drops control and bidi-override characters and cuts to `max` UTF-16 units without splitting a pair. */
export function safeText(text: string, max = MAX_MESSAGE_LENGTH): string {
  const clean = text.replace(UNSAFE, '');
  if (clean.length <= max) return clean;
  let cut = max - 1;
  const code = clean.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return clean.slice(0, cut) + '…';
}

/**
 * The inline keyboard for Reply.buttons; an empty keyboard when there are none, so an edit also
 * removes the buttons of a closed poll. Buttons whose data Telegram would reject are left out
 * (and reported) rather than losing the whole message to a 400.
 */
export function inlineKeyboard(buttons: Button[][] | undefined, onInvalid?: (b: Button) => void): InlineKeyboardMarkup {
  const rows = (buttons ?? [])
    .map((row) =>
      row
        .filter((b) => {
          const n = Buffer.byteLength(b.data, 'utf8');
          const ok = n >= 1 && n <= MAX_CALLBACK_DATA_BYTES && b.label.trim().length > 0;
          if (!ok) onInvalid?.(b);
          return ok;
        })
        .map((b) => ({ text: safeText(b.label, 64), callback_data: b.data })),
    )
    .filter((row) => row.length > 0);
  return { inline_keyboard: rows };
}

/** sendMessage options for a reply's buttons (none when it has none). */
export function replyMarkup(buttons: Button[][] | undefined, onInvalid?: (b: Button) => void): { reply_markup?: InlineKeyboardMarkup } {
  const kb = inlineKeyboard(buttons, onInvalid);
  return kb.inline_keyboard.length ? { reply_markup: kb } : {};
}
