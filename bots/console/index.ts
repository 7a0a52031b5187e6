/**
 * The console adapter: one group chat on stdin/stdout, bound to a demo community, where `/as <name>`
 * switches the speaker so one person can play a whole neighbourhood. Reads line by line (scriptable)
 * and resolves at the end of its input.
 */
import readline from 'node:readline';
import { AdminError } from '../../src/domain/admin-errors.js';
import { addCommunity, requireCommunity, type Community } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import type { AppDeps } from '../../src/core/app-types.js';
import type { Incoming, Outcome, Reply, Sender } from '../../src/kernel/types.js';
import type { Db } from '../../src/db/client.js';
import { safeName } from '../../src/kernel/persons.js';
import type { OutboundMessage, SentMessage } from '../../src/messaging/port.js';
import { t } from '../../src/i18n/index.js';

/** The demo speaks Chinese, as its residents do (an English sender still gets English replies from the core). */
const say = (key: Parameters<typeof t>[1], params?: Parameters<typeof t>[2]) => t('zh', key, params);

export const DEMO = { slug: 'demo', name: '示范社区', supportThreshold: 3, chatId: 'console-demo', title: '示范社区议事群' } as const;
export const DEFAULT_SPEAKER = '居民甲';
/** The staff identity that binds the console chat to the demo community (as staff do with /bind). */
const OPERATOR: Sender = { platformUserId: 'console-operator', displayName: '控制台', lang: 'zh' };

/** The console chat, as an adapter describes it to the core. */
const CHAT: Incoming['chat'] = { platformChatId: DEMO.chatId, kind: 'group', title: DEMO.title };

/**
 * The demo community, created on first run by the admin use case, and the console chat bound to it by
 * the core's /bind, sent by a staff identity (each step is a no-op once done).
 */
export async function ensureDemo(deps: Pick<AppDeps, 'core' | 'database'>): Promise<Community> {
  const db = deps.database.db;
  const community = await requireCommunity(db, DEMO.slug).catch((err) => {
    if (!(err instanceof AdminError && err.code === 'UNKNOWN_COMMUNITY')) throw err;
    return addCommunity(db, { slug: DEMO.slug, name: DEMO.name, supportThreshold: DEMO.supportThreshold }, 'console');
  });
  await grantStaff(db, community, OPERATOR.platformUserId);
  const bound = await deps.core.handle({ platform: 'console', chat: CHAT, sender: OPERATOR, text: `/bind ${DEMO.slug}` });
  if (bound.errorCode) throw new Error(`yishi: could not bind the console chat to ${DEMO.slug}: ${bound.errorCode}`);
  return community;
}

/** `/as <name> staff`: the console's stand-in for `yishi role grant demo console:<name> staff`. */
async function grantStaff(db: Db, community: Community, name: string): Promise<void> {
  await grantRole(db, community, { platform: 'console', platformUserId: name }, 'staff', 'console');
}

/** Buttons become numbered lines, with the text command that does the same. */
export function renderReply(reply: Reply, speaker?: string): string {
  const lines: string[] = [];
  const head = reply.to === 'private' && speaker ? say('console.botPrivate', { speaker }) : say('console.bot');
  lines.push(head + reply.text.split('\n').join('\n        '));
  const buttons = reply.buttons?.flat() ?? [];
  if (buttons.length) {
    lines.push('        ' + buttons.map((b, i) => `${i + 1}. ${b.label}`).join('  '));
    // Only a ballot's choices are answered by number; other buttons' texts say their command.
    if (/^[vr]:/.test(buttons[0]!.data)) {
      const n = /#(\d+)/.exec(reply.text)?.[1] ?? '<n>';
      const cmd = buttons[0]!.data.startsWith('r:') ? 'rate' : 'vote';
      lines.push('        ' + say('console.choose', { cmd, n }));
    }
  }
  return lines.join('\n');
}

export async function runConsole(deps: AppDeps, io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream }): Promise<void> {
  const { core, database, logger } = deps;
  const write = (s: string) => io.output.write(s + '\n');
  const community = await ensureDemo(deps);
  // Results at a deadline and reminders come from the jobs through this sender.
  let sent = 0;
  deps.senders.register({
    platform: 'console',
    async send(message: OutboundMessage): Promise<SentMessage> {
      write(renderReply({ text: message.text, buttons: message.buttons }));
      return { messageId: `console-${++sent}` };
    },
  });
  let speaker = DEFAULT_SPEAKER;
  write(say('console.banner', { community: DEMO.name, slug: DEMO.slug, speaker }));
  write(say('console.intro'));
  const rl = readline.createInterface({ input: io.input, crlfDelay: Infinity, terminal: false });
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue; // blank lines and comments in scripts
    const as = /^[/／]as(?:\s+(.+?))?(?:\s+(staff|工作人员))?\s*$/i.exec(line);
    if (as) {
      const name = safeName(as[1], '');
      if (!name) {
        write(say('console.asUsage', { speaker }));
        continue;
      }
      speaker = name;
      if (as[2]) await grantStaff(database.db, community, speaker);
      write(say(as[2] ? 'console.asNowStaff' : 'console.asNow', { speaker }));
      continue;
    }
    const incoming: Incoming = {
      platform: 'console',
      chat: CHAT,
      sender: { platformUserId: speaker, displayName: speaker, lang: 'zh' },
      text: line,
      updateKey: undefined,
    };
    let outcome: Outcome;
    try {
      outcome = await core.handle(incoming);
    } catch (err) {
      logger.error('console command failed', { err });
      write(say('console.failed'));
      continue;
    }
    for (const reply of outcome.replies) write(renderReply(reply, speaker));
  }
}
