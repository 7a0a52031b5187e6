/**
 * TEST-ONLY stand-in for the core, for adapter mechanics the real core cannot be asked to do on
 * cue (fail on demand, return a reply of any length). It keeps the core's contract on a real
 * Postgres: an update's effect and its processed_updates row commit in one transaction.
 *   `/note <x>` (or `记 <x>`) stores a note; `/ballot` posts a ballot with buttons `v:<poll>:<k>`;
 *   `/private` answers in private; `/long` answers with 5000 characters; `/refuse` is refused (NOT_STAFF);
 *   anything else is ignored. Chat migration and chat state are the real use cases.
 */
import { and, count, eq, sql } from 'drizzle-orm';
import { createQueries } from '../../../src/core/queries.js';
import type { Core, CoreQueries, Incoming, Outcome, Reply } from '../../../src/kernel/types.js';
import type { Database } from '../../../src/db/client.js';
import type { Platform } from '../../../src/db/schema.js';
import { migrateChat } from '../../../src/people/chat-migrate.js';
import { claimUndelivered, markRepliesDelivered } from '../../../src/messaging/updates.js';
import { setChatActive } from '../../../src/people/chat-state.js';
import * as s from '../../../src/db/schema.js';

export class StandInCore implements Core {
  /** When set, handle() throws as the real core does when its database is unreachable. */
  failing = false;
  attempts = 0;
  readonly seen: Incoming[] = [];
  /** The real query port: it only reads what this stand-in stored. */
  readonly query: CoreQueries;

  constructor(private readonly database: Database) {
    this.query = createQueries(database.db);
  }

  async handle(inc: Incoming): Promise<Outcome> {
    this.attempts++;
    if (this.failing) throw new Error('stand-in: database unavailable');
    this.seen.push(inc);
    const { db } = this.database;
    if (inc.button !== undefined) {
      const m = /^v:(\d+):([1-3])$/.exec(inc.button);
      const poll = m ? (await db.select().from(s.polls).where(eq(s.polls.id, Number(m[1]))))[0] : undefined;
      if (!m || !poll) return { stored: true, replies: [], toast: '这个按钮已失效或不属于本群。', errorCode: 'BAD_BUTTON' };
      return this.once(inc, async (tx) => {
        await tx.insert(s.auditLog).values({ action: 'stand-in.ballot', data: { pollId: poll.id, user: inc.sender.platformUserId, k: Number(m[2]) } });
        return { stored: true, replies: [], toast: `已投：${m[2]}`, changedPollIds: [poll.id] };
      });
    }
    const text = inc.text ?? '';
    if (inc.anonymous) {
      if (!text.startsWith('/')) return { stored: true, replies: [], ignored: true };
      return this.once(inc, async () => ({ stored: true, replies: [{ text: '请用你自己的账号发送。' }], errorCode: 'WRITE_AS_YOURSELF' }));
    }
    const note = /^(?:\/note|记)\s+(.+)$/s.exec(text);
    if (note) {
      return this.once(inc, async (tx) => {
        await tx.insert(s.auditLog).values({ action: 'stand-in.note', data: { text: note[1], user: inc.sender.platformUserId } });
        const [{ n }] = await tx.select({ n: count() }).from(s.auditLog).where(eq(s.auditLog.action, 'stand-in.note'));
        return { stored: true, replies: [{ text: `已记下 #${n}：${note[1]}` }] };
      });
    }
    if (text === '/ballot') {
      return this.once(inc, async (tx) => {
        const [c] = await tx.insert(s.communities).values({ slug: `c${Date.now()}${Math.floor(Math.random() * 1e6)}`, name: 'X' }).returning();
        const [chat] = await tx
          .insert(s.chats)
          .values({ platform: 'telegram', platformChatId: inc.chat.platformChatId, communityId: c.id })
          .onConflictDoUpdate({ target: [s.chats.platform, s.chats.platformChatId], set: { communityId: c.id } })
          .returning();
        const [p] = await tx.insert(s.persons).values({ displayName: inc.sender.displayName }).returning();
        const [sug] = await tx.insert(s.suggestions).values({ communityId: c.id, number: 1, authorId: p.id, text: 'x' }).returning();
        const [poll] = await tx.insert(s.polls).values({ suggestionId: sug.id, kind: 'vote', chatId: chat.id, deadline: new Date(Date.now() + 3600e3) }).returning();
        return { stored: true, replies: [{ ...(await this.view(poll.id, tx)), pollId: poll.id }] };
      });
    }
    if (text === '/refuse') return this.once(inc, async () => ({ stored: true, replies: [{ text: `不行，${inc.sender.displayName}：只有工作人员可以这样做。` }], errorCode: 'NOT_STAFF' }));
    if (text === '/private') return this.once(inc, async () => ({ stored: true, replies: [{ text: '只给你看的内容', to: 'private' }] }));
    if (text === '/long') return this.once(inc, async () => ({ stored: true, replies: [{ text: '长'.repeat(5000) }] }));
    if (text === '/bidi') return this.once(inc, async () => ({ stored: true, replies: [{ text: 'a\u202Eb\u0007c' }] }));
    return { stored: true, replies: [], ignored: true };
  }

  /** The core's exactly-once rule: the effect commits with its processed_updates row, or not at all. */
  private async once(inc: Incoming, effect: (tx: any) => Promise<Outcome>): Promise<Outcome> {
    return this.database.db.transaction(async (tx) => {
      if (inc.updateKey) {
        const inserted = await tx
          .insert(s.processedUpdates)
          .values({ platform: inc.platform, updateKey: inc.updateKey })
          .onConflictDoNothing()
          .returning();
        if (!inserted.length) return { stored: true, replies: [], duplicate: true };
      }
      return effect(tx);
    });
  }

  private async view(pollId: number, q: any = this.database.db): Promise<Reply> {
    const rows = await q.execute(sql`
      select (data->>'k')::int as k, count(*)::int as n from (
        select distinct on (data->>'user') data from audit_log
        where action = 'stand-in.ballot' and (data->>'pollId')::int = ${pollId} order by data->>'user', id desc) b
      group by 1`);
    const list = (Array.isArray(rows) ? rows : rows.rows) as Array<{ k: number; n: number }>;
    const n = (k: number) => list.find((r) => r.k === k)?.n ?? 0;
    return {
      text: `表决 · 同意 ${n(1)} · 反对 ${n(2)} · 弃权 ${n(3)}`,
      buttons: [[1, 2, 3].map((k) => ({ label: ['同意', '反对', '弃权'][k - 1], data: `v:${pollId}:${k}` }))],
    };
  }

  async ballotView(pollId: number): Promise<Reply | undefined> {
    return this.view(pollId);
  }

  /** Delivery bookkeeping is the real one (it only touches processed_updates). */
  async repliesDelivered(platform: Platform, updateKey: string): Promise<void> {
    await markRepliesDelivered(this.database.db, platform, updateKey, new Date());
  }

  async claimUndeliveredReplies(platform: Platform, range: { since: Date; before: Date; limit?: number }) {
    return claimUndelivered(this.database.db, platform, { ...range, at: new Date() });
  }

  async setPollMessage(pollId: number, _platformChatId: string, messageId: string): Promise<void> {
    await this.database.db.update(s.polls).set({ messageId }).where(and(eq(s.polls.id, pollId)));
  }

  async migrateChat(platform: Platform, fromChatId: string, toChatId: string) {
    return this.database.db.transaction((tx) => migrateChat(tx, platform, fromChatId, toChatId, new Date()));
  }

  async setChatActive(platform: Platform, platformChatId: string, active: boolean, reason?: string) {
    await this.database.db.transaction((tx) => setChatActive(tx, platform, platformChatId, active, reason, new Date()));
  }

  async closeDueOwnersVote() {
    return undefined;
  }

  async closeDuePoll() {
    return undefined;
  }

  onEvent() {
    return () => {};
  }

  async noteCount(): Promise<number> {
    const [{ n }] = await this.database.db.select({ n: count() }).from(s.auditLog).where(eq(s.auditLog.action, 'stand-in.note'));
    return n;
  }

  async ballotRows(): Promise<number> {
    const [{ n }] = await this.database.db.select({ n: count() }).from(s.auditLog).where(eq(s.auditLog.action, 'stand-in.ballot'));
    return n;
  }
}
