/** A core Reply as WeChat text: WeChat has no buttons, so choices become numbered lines. */
import type { Button, PollInfo } from '../../src/kernel/types.js';
import { stripUnsafe } from '../../src/domain/text.js';
import { t } from '../../src/i18n/index.js';
import { wechatStrings } from './strings.js';

/**
 * `1. 同意  2. 反对  3. 弃权`, then how to answer when the poll is known, in place of the core's
 * "tap a button" hint, which would be wrong in WeChat.
 */
export function renderText(text: string, buttons: Button[][] | undefined, poll: PollInfo | undefined, lang?: string): string {
  const flat = (buttons ?? []).flat();
  if (flat.length === 0) return stripUnsafe(text);
  let lines = text.split('\n');
  const choices = flat.map((b, i) => `${i + 1}. ${b.label}`).join('  ');
  if (poll) {
    const n = poll.suggestionNumber;
    const buttonHint = t(lang, poll.kind === 'rating' ? 'rating.hint' : 'poll.hint', { n });
    lines = lines.filter((l) => l !== buttonHint);
    const s = wechatStrings(lang);
    lines.push(choices, poll.kind === 'rating' ? s.howToRate(n) : s.howToVote(n));
  } else {
    lines.push(choices);
  }
  return stripUnsafe(lines.join('\n'));
}
