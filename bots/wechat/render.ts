/** A core Reply as WeChat text: WeChat has no buttons, so choices become numbered lines. */
import type { Button } from '../../src/commands/types.js';
import { wechatStrings } from './strings.js';
import { stripUnsafe } from './text.js';

export interface PollInfo {
  kind: 'vote' | 'rating';
  /** The suggestion's number in its community. */
  number: number;
}

/** `1. 同意  2. 反对  3. 弃权`, then how to answer when the poll is known. */
export function renderText(text: string, buttons: Button[][] | undefined, poll: PollInfo | undefined, lang?: string): string {
  const flat = (buttons ?? []).flat();
  if (flat.length === 0) return stripUnsafe(text);
  const choices = flat.map((b, i) => `${i + 1}. ${b.label}`).join('  ');
  const lines = [text, choices];
  if (poll) {
    const s = wechatStrings(lang);
    lines.push(poll.kind === 'rating' ? s.howToRate(poll.number) : s.howToVote(poll.number));
  }
  return stripUnsafe(lines.join('\n'));
}
