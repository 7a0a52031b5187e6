/**
 * The console adapter: one group chat on stdin/stdout, bound to a demo community, where `/as <name>`
 * switches the speaker so one person can play a whole neighbourhood. Reads line by line (scriptable)
 * and resolves at the end of its input.
 */
import readline from 'node:readline';
import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../../src/app-types.js';
import type { Incoming, Outcome, Reply } from '../../src/core/types.js';
import type { Db } from '../../src/db/client.js';
import { auditLog, chats, communities, roles } from '../../src/db/schema.js';
import { ensureIdentity, ensureResident, safeName } from '../../src/people/persons.js';
import type { OutboundMessage, SentMessage } from '../../src/messaging/port.js';

export const DEMO = { slug: 'demo', name: '示范社区', supportThreshold: 3, chatId: 'console-demo', title: '示范社区议事群' } as const;
export const DEFAULT_SPEAKER = '居民甲';

/** Creates the demo community and binds the console chat to it, once (each with its audit row). */
export async function ensureDemo(db: Db, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    let [community] = await tx.select().from(communities).where(eq(communities.slug, DEMO.slug));
    if (!community) {
      [community] = await tx.insert(communities).values({ slug: DEMO.slug, name: DEMO.name, supportThreshold: DEMO.supportThreshold, createdAt: now }).onConflictDoNothing().returning();
      if (!community) [community] = await tx.select().from(communities).where(eq(communities.slug, DEMO.slug));
      else await tx.insert(auditLog).values({ communityId: community.id, action: 'community.created', data: { slug: DEMO.slug, via: 'console' }, at: now });
    }
    const [chat] = await tx.select().from(chats).where(and(eq(chats.platform, 'console'), eq(chats.platformChatId, DEMO.chatId)));
    if (!chat || chat.communityId !== community.id) {
      const [row] = await tx
        .insert(chats)
        .values({ platform: 'console', platformChatId: DEMO.chatId, kind: 'group', title: DEMO.title, communityId: community.id, boundAt: now })
        .onConflictDoUpdate({ target: [chats.platform, chats.platformChatId], set: { communityId: community.id, boundAt: now } })
        .returning();
      await tx.insert(auditLog).values({ communityId: community.id, action: 'chat.bound', data: { chatId: row.id, platform: 'console', platformChatId: DEMO.chatId, via: 'console' }, at: now });
    }
    return community.id;
  });
}

/** `/as <name> staff`: the console's stand-in for `yishi role grant`. */
async function grantStaff(db: Db, communityId: number, name: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { identity } = await ensureIdentity(tx, 'console', { platformUserId: name, displayName: name });
    await ensureResident(tx, communityId, identity.personId);
    const [role] = await tx.select().from(roles).where(and(eq(roles.communityId, communityId), eq(roles.personId, identity.personId)));
    if (role?.role === 'staff') return;
    await tx.update(roles).set({ role: 'staff' }).where(and(eq(roles.communityId, communityId), eq(roles.personId, identity.personId)));
    await tx.insert(auditLog).values({ communityId, actorId: identity.personId, action: 'role.granted', data: { role: 'staff', platform: 'console', via: 'console /as' } });
  });
}

/** Buttons become numbered lines, with the text command that does the same. */
export function renderReply(reply: Reply, speaker?: string): string {
  const lines: string[] = [];
  const head = reply.to === 'private' && speaker ? `[议事 → 私信 ${speaker}] ` : '[议事] ';
  lines.push(head + reply.text.split('\n').join('\n        '));
  const buttons = reply.buttons?.flat() ?? [];
  if (buttons.length) {
    lines.push('        ' + buttons.map((b, i) => `${i + 1}. ${b.label}`).join('  '));
    const n = /#(\d+)/.exec(reply.text)?.[1] ?? '<n>';
    const cmd = buttons[0].data.startsWith('r:') ? 'rate' : 'vote';
    lines.push(`        （回复 /${cmd} ${n} <k> 选择，例如 /${cmd} ${n} 1）`);
  }
  return lines.join('\n');
}

export async function runConsole(deps: AppDeps, io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream }): Promise<void> {
  const { core, database, logger } = deps;
  const write = (s: string) => io.output.write(s + '\n');
  const communityId = await ensureDemo(database.db);
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
  write(`议事 Yishi 控制台 · ${DEMO.name}（${DEMO.slug}）· 当前身份：${speaker}`);
  write('输入 /help 查看命令；/as <名字> 切换身份，/as <名字> staff 以社区工作人员身份发言。');
  const rl = readline.createInterface({ input: io.input, crlfDelay: Infinity, terminal: false });
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue; // blank lines and comments in scripts
    const as = /^[/／]as(?:\s+(.+?))?(?:\s+(staff|工作人员))?\s*$/i.exec(line);
    if (as) {
      const name = safeName(as[1], '');
      if (!name) {
        write(`[议事] 用法：/as <名字> [staff]　当前身份：${speaker}`);
        continue;
      }
      speaker = name;
      if (as[2]) await grantStaff(database.db, communityId, speaker);
      write(`[议事] 现在的身份：${speaker}${as[2] ? '（社区工作人员）' : ''}`);
      continue;
    }
    const incoming: Incoming = {
      platform: 'console',
      chat: { platformChatId: DEMO.chatId, kind: 'group', title: DEMO.title },
      sender: { platformUserId: speaker, displayName: speaker, lang: 'zh' },
      text: line,
      updateKey: undefined,
    };
    let outcome: Outcome;
    try {
      outcome = await core.handle(incoming);
    } catch (err) {
      logger.error('console command failed', { err });
      write('[议事] 出错了，请再试一次。');
      continue;
    }
    for (const reply of outcome.replies) write(renderReply(reply, speaker));
  }
}
