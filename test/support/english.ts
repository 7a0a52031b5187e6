/**
 * English words in a Chinese reply, other than command names: `/suggest`, `/confirm-member`, the console's
 * `/as`. Product names (PDF, Excel, Telegram…), slugs and links may appear; single letters are marks
 * (`N3`, `M2`, `R7`, `A|B`).
 */
import { COMMANDS } from '../../src/core/parse.js';

const COMMAND_WORDS = new Set<string>([...COMMANDS, ...COMMANDS.map((c) => c.replace(/_/g, '-')), 'as']);
const PRODUCTS = new Set(['Yishi', 'PDF', 'Excel', 'CSV', 'Telegram', 'WeChat', 'WeCom', 'H5']);

/** The English words of `text` that a Chinese reader should not meet; `also` are further allowed words (slugs). */
export function englishWords(text: string, also: readonly string[] = []): string[] {
  let rest = text.replace(/https?:\/\/\S+/g, ' ').replace(/\{\w+\}/g, ' ');
  for (const a of also) rest = rest.split(a).join(' ');
  return [...rest.matchAll(/(\/?)([A-Za-z][A-Za-z_-]+)/g)]
    .filter((m) => !(m[1] === '/' && COMMAND_WORDS.has(m[2]!.toLowerCase())) && !PRODUCTS.has(m[2]!))
    .map((m) => m[0]);
}
