/** Text -> command name and argument string. Arguments are validated per command with zod (see args.ts). */

export const COMMANDS = [
  'start',
  'bind',
  'suggest',
  'support',
  'comment',
  'list',
  'show',
  'agenda',
  'poll',
  'vote',
  'close',
  'progress',
  'done',
  'rate',
  'withdraw',
  'link',
  'chair',
  'meeting',
  'stats',
  'help',
  'ownersvote',
  'ownervote',
  'owner',
  'whistle',
  'report',
  'answer',
  'register',
  'confirm_member',
  'need',
  'needs',
  'claim',
  'served',
  'confirm',
  'return',
  'needrate',
  'points',
  'ranking',
  'web',
  'notice',
  // the practice in depth (issue 28)
  'minutes',
  'checkin',
  'follow',
  'unfollow',
  'objection',
  'volunteer',
  'merge',
] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Chinese names (with or without a slash). */
export const ALIASES: Record<string, CommandName> = {
  开始: 'start',
  绑定: 'bind',
  提议: 'suggest',
  建议: 'suggest',
  附议: 'support',
  议: 'comment',
  评论: 'comment',
  列表: 'list',
  查看: 'show',
  议程: 'agenda',
  发起投票: 'poll',
  投票: 'vote',
  关闭: 'close',
  进度: 'progress',
  完成: 'done',
  评价: 'rate',
  撤回: 'withdraw',
  关联: 'link',
  主席: 'chair',
  会议: 'meeting',
  统计: 'stats',
  帮助: 'help',
  网页: 'web',
  公示: 'notice',
  业主表决: 'ownersvote',
  业主投票: 'ownervote',
  业主认证: 'owner',
  吹哨: 'whistle',
  报到: 'report',
  答复: 'answer',
  党员报到: 'register',
  确认党员: 'confirm_member',
  发布需求: 'need',
  心愿: 'need',
  需求列表: 'needs',
  认领: 'claim',
  已服务: 'served',
  服务完成: 'served',
  确认服务: 'confirm',
  退回: 'return',
  评价需求: 'needrate',
  积分: 'points',
  排名: 'ranking',
  // the practice in depth (issue 28)
  纪要: 'minutes',
  签到: 'checkin',
  关注: 'follow',
  取消关注: 'unfollow',
  异议: 'objection',
  志愿者报到: 'volunteer',
  合并: 'merge',
};
const aliasesByLength = Object.keys(ALIASES).sort((a, b) => b.length - a.length);

export type Parsed =
  | { kind: 'command'; name: CommandName; args: string }
  | { kind: 'unknown'; name: string };

/**
 * The command an English name names, in any case, a hyphen standing for an underscore
 * (`Vote`, `confirm-member`); undefined for any other word. The one test of an English command word:
 * the parser and every adapter (WeChat and WeCom accept one typed without the slash) ask it.
 */
export function englishCommand(word: string): CommandName | undefined {
  const name = word.toLowerCase().replace(/-/g, '_');
  return (COMMANDS as readonly string[]).includes(name) ? (name as CommandName) : undefined;
}

/** Every word that names a command: the English names and the Chinese aliases. */
export function commandWords(): string[] {
  return [...COMMANDS, ...Object.keys(ALIASES)];
}

/** Whether the core reads this text as a command (known by name or alias), not chatter nor an unknown command. */
export function isCommandText(text: string): boolean {
  return parseCommand(text)?.kind === 'command';
}

/** Full-width digits (１２) as residents' IMEs often produce them. */
const toAsciiDigits = (s: string) => s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

/**
 * A chat message (its mentions of the bot already removed by the adapter) with its command word
 * normalized, so `／提议：东门路灯坏了`, `附议 １２` and `vote 12 1` reach the parser as commands: an
 * English command word typed without the slash gets one (which words count is the core's list,
 * `englishCommand`), a colon after the word becomes a space, the leading numbers become ASCII.
 * Everything after the command word and its numbers is left exactly as typed. Used by the adapters
 * whose users type without a command menu (WeChat, WeCom).
 */
export function normalizeChatText(raw: string): string {
  // WeChat separates mentions with U+2005; the full-width space comes from Chinese IMEs.
  let text = raw.replace(/^[\s\u2005\u3000]+/, '').replace(/[\s\u2005\u3000]+$/, '');
  text = text.replace(/^／/, '/');
  // The command word, optionally followed by a colon (提议：…) instead of a space.
  const m = /^(\/?)([^\s\u2005\u3000:：/]+)([:：]|[\s\u2005\u3000]+|$)/.exec(text);
  if (!m) return text;
  const [head, slash, word, sep] = m;
  let rest = text.slice(head.length);
  // Only the leading numbers (`12 1`) are normalized; free text such as a suggestion stays as typed.
  rest = rest.replace(/^([0-9０-９]+)(?:[\s\u2005\u3000]+([0-9０-９]+))?/, (all) => toAsciiDigits(all).replace(/[\u2005\u3000]+/g, ' '));
  const english = englishCommand(word) !== undefined;
  const prefix = slash || !english ? slash : '/';
  const command = prefix === '/' && english ? word.toLowerCase() : word;
  const space = /^[:：]$/.test(sep) || !sep ? ' ' : sep.replace(/[\u2005\u3000]+/g, ' ');
  return rest ? `${prefix}${command}${space}${rest}` : `${prefix}${command}`;
}

/** Full-width slash, space and digits are common from Chinese input methods: fold them to ASCII. */
export function normalizeInput(text: string): string {
  return text
    .replace(/^[\s\u200B-\u200F\u2060\uFEFF]+/, '')
    .replace(/^\uFF0F/, '/')
    .replace(/[\uFF10-\uFF19\uFF03\uFF20\uFF5C]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

/**
 * Parses `/cmd args`, `/cmd@Bot args` and Chinese aliases (`提议 …`, `/提议…`). Returns undefined for
 * ordinary chatter, which adapters leave unanswered.
 */
export function parseCommand(raw: string): Parsed | undefined {
  const text = normalizeInput(raw);
  if (text.startsWith('/')) {
    const body = text.slice(1);
    const m = /^([A-Za-z_]+(?:-[A-Za-z_]+)*)(?:@[A-Za-z0-9_]+)?(?=$|\s)\s*([\s\S]*)$/.exec(body);
    if (m) {
      // `/confirm-member` is `/confirm_member` (Telegram's command menu allows no hyphen).
      const command = englishCommand(m[1]);
      if (command) return { kind: 'command', name: command, args: m[2].trim() };
      return { kind: 'unknown', name: m[1].toLowerCase().replace(/-/g, '_') };
    }
    // With a slash a Chinese alias may run straight into its arguments: `/附议3`, `/提议修路灯`.
    for (const alias of aliasesByLength) {
      if (body.startsWith(alias)) {
        let rest = body.slice(alias.length);
        rest = rest.replace(/^@[A-Za-z0-9_]+(?=$|\s)/, '');
        return { kind: 'command', name: ALIASES[alias], args: rest.trim() };
      }
    }
    const name = /^\S*/.exec(body)![0];
    if (!name) return undefined; // a lone slash is chatter
    return { kind: 'unknown', name };
  }
  // Without a slash only an exact alias word followed by a space (or nothing) is a command, so that
  // everyday chatter starting with the same characters stays chatter.
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(text);
  if (!m) return undefined;
  const name = ALIASES[m[1]];
  if (!name) return undefined;
  return { kind: 'command', name, args: (m[2] ?? '').trim() };
}
