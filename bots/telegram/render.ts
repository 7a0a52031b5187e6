/** Reply -> Telegram message parts. Plain text only (no parse_mode), so user text can't inject markup. */
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Button } from '../../src/kernel/types.js';
import { fitText, MAX_MESSAGE, stripUnsafe } from '../../src/domain/text.js';

export const MAX_TOAST_LENGTH = 200;
const MAX_CALLBACK_DATA_BYTES = 64;

/** Drops unsafe (control, zero-width, bidi-override) characters and cuts to `max` with an ellipsis. */
export function safeText(text: string, max = MAX_MESSAGE): string {
  return fitText(stripUnsafe(text), max, '…');
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
