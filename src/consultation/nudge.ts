/**
 * The non-voter nudge: once per open poll, before its deadline, every resident who has neither voted
 * nor rated (on any identity: ballots are per person) gets one private reminder, in their language.
 * The round is claimed on the poll (polls.nudged_at) and each nudged person recorded (poll_nudges), in
 * the transaction that writes the messages to the outbox and the audit row.
 */
import { and, eq, gt, isNull, notExists, sql } from 'drizzle-orm';
import { auditLog, ballots, chats, pollNudges, polls, ratings, roles, suggestions } from '../db/schema.js';
import { clip } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { privateAddressesOf, type ScheduledResult, type ScheduledRun } from '../messaging/addresses.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { formatLocal } from '../domain/time.js';
import { inTransaction } from '../kernel/unit-of-work.js';

export async function nudgeNonVoters(run: ScheduledRun, pollId: number): Promise<ScheduledResult> {
  const { db, now, tz } = run;
  return inTransaction(db, async (tx) => {
    // Claims the poll's one round; a concurrent second run waits on the row lock, then finds it taken.
    const [p] = await tx
      .update(polls)
      .set({ nudgedAt: now })
      .where(and(eq(polls.id, pollId), eq(polls.status, 'open'), gt(polls.deadline, now), isNull(polls.nudgedAt)))
      .returning({ id: polls.id, kind: polls.kind, deadline: polls.deadline, suggestionId: polls.suggestionId, chatId: polls.chatId });
    if (!p) {
      const [poll] = await tx.select({ nudgedAt: polls.nudgedAt }).from(polls).where(eq(polls.id, pollId));
      if (!poll?.nudgedAt) return { note: 'not open', queued: [] };
      const earlier = await tx.select({ personId: pollNudges.personId }).from(pollNudges).where(eq(pollNudges.pollId, pollId));
      return { note: 'already nudged', queued: earlier.map((r) => outboxKeys.nudge(pollId, r.personId)) };
    }
    const [s] = await tx.select().from(suggestions).where(eq(suggestions.id, p.suggestionId));
    const [chat] = p.chatId ? await tx.select({ platform: chats.platform }).from(chats).where(eq(chats.id, p.chatId)) : [];

    const nonVoters = await tx
      .select({ personId: roles.personId })
      .from(roles)
      .where(and(
        eq(roles.communityId, s!.communityId),
        notExists(tx.select({ x: sql`1` }).from(ballots).where(and(eq(ballots.pollId, p.id), eq(ballots.personId, roles.personId)))),
        notExists(tx.select({ x: sql`1` }).from(ratings).where(and(eq(ratings.pollId, p.id), eq(ratings.personId, roles.personId)))),
        notExists(tx.select({ x: sql`1` }).from(pollNudges).where(and(eq(pollNudges.pollId, p.id), eq(pollNudges.personId, roles.personId)))),
      ));
    const addresses = await privateAddressesOf(tx, nonVoters.map((r) => r.personId), run.reachable, chat?.platform);
    const key = p.kind === 'vote' ? 'jobs.nudge.vote' : 'jobs.nudge.rating';
    const messages: OutboxMessage[] = addresses.map((a) => ({
      platform: a.platform,
      platformChatId: a.platformChatId,
      dedupeKey: outboxKeys.nudge(p.id, a.personId),
      payload: { text: t(a.lang, key, { n: s!.number, title: clip(s!.text, 30), deadline: formatLocal(p.deadline, tz) }) },
    }));
    await writeOutbox(tx, messages);
    if (addresses.length) {
      await tx.insert(pollNudges).values(addresses.map((a) => ({ pollId: p.id, personId: a.personId, at: now }))).onConflictDoNothing();
    }
    await tx.insert(auditLog).values({ communityId: s!.communityId, suggestionId: s!.id, action: 'poll.nudged', data: { pollId: p.id, persons: messages.length }, at: now });
    return { note: `nudged ${messages.length}`, queued: messages.map((m) => m.dedupeKey) };
  });
}
