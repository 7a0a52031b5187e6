/**
 * The time-driven work: poll deadlines, non-voter nudges, meeting reminders, the quarterly chair
 * announcement and the 45th-day meeting check. Each handler reads Postgres, decides, and writes what it
 * sends to the outbox; a handler run twice sends nothing twice (dedupe keys, announced/reminded flags).
 */
import { and, asc, eq, inArray, isNotNull, ne, notExists, sql } from 'drizzle-orm';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Core } from '../src/core/types.js';
import type { Db } from '../src/db/client.js';
import {
  auditLog,
  ballots,
  chats,
  communities,
  councilUnits,
  identities,
  meetings,
  persons,
  polls,
  quarterlyChairs,
  ratings,
  roles,
  suggestions,
  type Platform,
} from '../src/db/schema.js';
import { t } from '../src/i18n/index.js';
import type { Logger } from '../src/logger.js';
import { pollResultKey, type SenderRegistry } from '../src/messaging/port.js';
import { chairOfQuarter, unitsInOrder } from '../src/council/rotation.js';
import { formatLocal, parseQuarter, quarterOf, type Quarter } from '../src/time.js';
import { meetingReminderKey, planMeetingDue, councilCommunities, type PlannedJob } from './plan.js';
import { timerSchemas, type TimerData, type TimerName } from './queues.js';
import { enqueuePending, queueMessages, writeOutbox, type OutboxMessage, type SendQueueOptions } from './send-queue.js';

export interface TimerContext {
  db: Db;
  core: Core;
  tz: string;
  now: () => Date;
  logger: Logger;
  senders: SenderRegistry;
  send: SendQueueOptions;
  /** Adds (or replaces) planned delayed jobs; used to schedule the quarter's 45th-day check. */
  schedule: (jobs: PlannedJob[]) => Promise<void>;
  /** Picks up changes made outside this process (the admin CLI): council schedulers, pending sends. */
  sync: () => Promise<string>;
}

interface PrivateAddress {
  personId: number;
  platform: Platform;
  chatId: string;
  lang: string;
}

export function quarterLabel(lang: string, quarter: Quarter): string {
  const { year, q } = parseQuarter(quarter);
  return t(lang, 'jobs.quarter', { year, q });
}

function shorten(text: string, max = 30): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/** One private address per person: on the preferred platform if possible, else one with a running sender. */
function pickAddresses(rows: Array<PrivateAddress & { identityId: number }>, senders: SenderRegistry, prefer?: Platform): PrivateAddress[] {
  const byPerson = new Map<number, Array<PrivateAddress & { identityId: number }>>();
  for (const r of rows) {
    const list = byPerson.get(r.personId) ?? [];
    list.push(r);
    byPerson.set(r.personId, list);
  }
  const out: PrivateAddress[] = [];
  for (const list of byPerson.values()) {
    list.sort((a, b) => a.identityId - b.identityId);
    const chosen = list.find((a) => a.platform === prefer) ?? list.find((a) => senders.get(a.platform)) ?? list[0]!;
    out.push({ personId: chosen.personId, platform: chosen.platform, chatId: chosen.chatId, lang: chosen.lang });
  }
  return out;
}

/** The private addresses of persons (all their identities that started the bot). */
async function privateAddressesOf(db: Db, personIds: number[], senders: SenderRegistry, prefer?: Platform): Promise<PrivateAddress[]> {
  if (!personIds.length) return [];
  const rows = await db
    .select({ personId: persons.id, lang: persons.lang, identityId: identities.id, platform: identities.platform, chatId: identities.privateChatId })
    .from(identities)
    .innerJoin(persons, eq(persons.id, identities.personId))
    .where(and(isNotNull(identities.privateChatId), inArray(identities.personId, personIds)));
  return pickAddresses(rows.map((r) => ({ ...r, chatId: r.chatId! })), senders, prefer);
}

/** Where a council unit's contact can be messaged privately, if its contact has started the bot. */
async function contactAddress(db: Db, unit: typeof councilUnits.$inferSelect, senders: SenderRegistry): Promise<PrivateAddress | undefined> {
  if (!unit.contactPlatform || !unit.contactUserId) return undefined;
  const [identity] = await db
    .select({ personId: identities.personId })
    .from(identities)
    .where(and(eq(identities.platform, unit.contactPlatform), eq(identities.platformUserId, unit.contactUserId)));
  if (!identity) return undefined;
  return (await privateAddressesOf(db, [identity.personId], senders, unit.contactPlatform))[0];
}

async function groupChatsOf(db: Db, communityId: number) {
  return db
    .select({ id: chats.id, platform: chats.platform, platformChatId: chats.platformChatId })
    .from(chats)
    .where(and(eq(chats.communityId, communityId), eq(chats.kind, 'group')))
    .orderBy(asc(chats.id));
}

export async function closePollAtDeadline(ctx: TimerContext, data: TimerData<'poll-close'>, job?: Job, token?: string): Promise<string> {
  const now = ctx.now();
  const result = await ctx.core.closeDuePoll(data.pollId, now);
  if (!result) {
    const [p] = await ctx.db.select({ status: polls.status, deadline: polls.deadline }).from(polls).where(eq(polls.id, data.pollId));
    // Fired before its deadline (the deadline or the clock moved): wait for the real one.
    if (job && p?.status === 'open' && p.deadline.getTime() > now.getTime()) {
      await job.moveToDelayed(p.deadline.getTime(), token);
      throw new DelayedError();
    }
    return 'already closed';
  }
  await queueMessages(ctx.send, [
    {
      platform: result.to.platform,
      platformChatId: result.to.platformChatId,
      dedupeKey: pollResultKey(data.pollId),
      payload: { text: result.reply.text, ...(result.reply.buttons?.length ? { buttons: result.reply.buttons } : {}) },
    },
  ]);
  return 'closed';
}

export async function nudgeNonVoters(ctx: TimerContext, data: TimerData<'poll-nudge'>): Promise<string> {
  const { db } = ctx;
  const now = ctx.now();
  const [p] = await db
    .select({
      id: polls.id,
      kind: polls.kind,
      status: polls.status,
      deadline: polls.deadline,
      suggestionId: suggestions.id,
      communityId: suggestions.communityId,
      number: suggestions.number,
      text: suggestions.text,
      chatPlatform: chats.platform,
    })
    .from(polls)
    .innerJoin(suggestions, eq(suggestions.id, polls.suggestionId))
    .leftJoin(chats, eq(chats.id, polls.chatId))
    .where(eq(polls.id, data.pollId));
  if (!p || p.status !== 'open' || p.deadline.getTime() <= now.getTime()) return 'not open';

  // Residents who have not voted (on any of their identities: ballots are per person).
  const nonVoters = await db
    .select({ personId: roles.personId })
    .from(roles)
    .where(
      and(
        eq(roles.communityId, p.communityId),
        notExists(db.select({ x: sql`1` }).from(ballots).where(and(eq(ballots.pollId, p.id), eq(ballots.personId, roles.personId)))),
        notExists(db.select({ x: sql`1` }).from(ratings).where(and(eq(ratings.pollId, p.id), eq(ratings.personId, roles.personId)))),
      ),
    );
  const addresses = await privateAddressesOf(db, nonVoters.map((r) => r.personId), ctx.senders, p.chatPlatform ?? undefined);
  const messages: OutboxMessage[] = addresses.map((a) => ({
    platform: a.platform,
    platformChatId: a.chatId,
    dedupeKey: `nudge-${p.id}-${a.personId}`,
    payload: {
      text: t(a.lang, p.kind === 'vote' ? 'jobs.nudge.vote' : 'jobs.nudge.rating', { n: p.number, title: shorten(p.text), deadline: formatLocal(p.deadline, ctx.tz) }),
    },
  }));
  await db.transaction(async (tx) => {
    await writeOutbox(tx, messages);
    await tx.insert(auditLog).values({ communityId: p.communityId, suggestionId: p.suggestionId, action: 'poll.nudged', data: { pollId: p.id, persons: messages.length } });
  });
  await enqueuePending(ctx.send, messages.map((m) => m.dedupeKey));
  return `nudged ${messages.length}`;
}

export async function remindMeeting(ctx: TimerContext, data: TimerData<'meeting-reminder'>): Promise<string> {
  const { db } = ctx;
  const now = ctx.now().getTime();
  const [m] = await db.select().from(meetings).where(eq(meetings.id, data.meetingId));
  if (!m || m.status !== 'scheduled') return 'no meeting';
  const starts = m.startsAt.getTime();
  if (starts !== data.startsAt) return 'moved';
  if (now >= starts) return 'too late';
  // A late 24-hour reminder is pointless once the 1-hour one is due.
  if (data.before === '24h' && now >= starts - 3600e3) return 'superseded';
  const targets = m.chatId
    ? await db.select({ id: chats.id, platform: chats.platform, platformChatId: chats.platformChatId }).from(chats).where(eq(chats.id, m.chatId))
    : await groupChatsOf(db, m.communityId);
  const key = meetingReminderKey(m.id, m.startsAt, data.before);
  await queueMessages(
    ctx.send,
    targets.map((c) => ({
      platform: c.platform,
      platformChatId: c.platformChatId,
      dedupeKey: `${key}-chat-${c.id}`,
      payload: { text: t('zh', data.before === '24h' ? 'jobs.meeting.24h' : 'jobs.meeting.1h', { time: formatLocal(m.startsAt, ctx.tz), place: m.place }) },
    })),
  );
  return `reminded ${targets.length}`;
}

export async function announceChair(ctx: TimerContext, data: TimerData<'chair-announce'>): Promise<string> {
  const { db } = ctx;
  const now = ctx.now();
  const quarter = quarterOf(now, ctx.tz);
  const [community] = await db.select().from(communities).where(eq(communities.id, data.communityId));
  if (!community) return 'no community';
  const units = await unitsInOrder(db, community.id);
  const unit = chairOfQuarter(units, community.rotationStart, quarter);
  if (!unit) return 'no council';

  const groupChats = await groupChatsOf(db, community.id);
  const messages: OutboxMessage[] = groupChats.map((c) => ({
    platform: c.platform,
    platformChatId: c.platformChatId,
    dedupeKey: `chair-${community.id}-${quarter}-chat-${c.id}`,
    payload: { text: t('zh', 'jobs.chair.announce', { community: community.name, quarter: quarterLabel('zh', quarter), unit: unit.name }) },
  }));
  const contact = await contactAddress(db, unit, ctx.senders);
  if (contact) {
    messages.push({
      platform: contact.platform,
      platformChatId: contact.chatId,
      dedupeKey: `chair-${community.id}-${quarter}-contact`,
      payload: { text: t(contact.lang, 'jobs.chair.private', { community: community.name, quarter: quarterLabel(contact.lang, quarter), unit: unit.name }) },
    });
  }

  let announced = false;
  await db.transaction(async (tx) => {
    await tx.insert(quarterlyChairs).values({ communityId: community.id, quarter, unitId: unit.id }).onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(quarterlyChairs)
      .where(and(eq(quarterlyChairs.communityId, community.id), eq(quarterlyChairs.quarter, quarter)))
      .for('update');
    if (!row || row.announcedAt) return;
    await tx.update(quarterlyChairs).set({ announcedAt: now }).where(eq(quarterlyChairs.id, row.id));
    await writeOutbox(tx, messages);
    await tx.insert(auditLog).values({ communityId: community.id, action: 'chair.announced', data: { quarter, unitId: row.unitId, unit: unit.name, chats: groupChats.length, contact: Boolean(contact) } });
    announced = true;
  });
  // Also after a crash between the commit and here: the rows are pending, enqueueing them again is harmless.
  await enqueuePending(ctx.send, messages.map((m) => m.dedupeKey));

  const [c] = (await councilCommunities(db)).filter((x) => x.id === community.id);
  if (c) await ctx.schedule(await planMeetingDue(db, c, now, ctx.tz));
  return announced ? `announced ${unit.name}` : 'already announced';
}

export async function remindMeetingDue(ctx: TimerContext, data: TimerData<'meeting-due'>): Promise<string> {
  const { db } = ctx;
  const now = ctx.now();
  const [community] = await db.select().from(communities).where(eq(communities.id, data.communityId));
  if (!community) return 'no community';
  const [meeting] = await db
    .select({ id: meetings.id })
    .from(meetings)
    .where(and(eq(meetings.communityId, community.id), eq(meetings.quarter, data.quarter), ne(meetings.status, 'cancelled')))
    .limit(1);
  if (meeting) return 'meeting scheduled';
  const units = await unitsInOrder(db, community.id);
  const unit = chairOfQuarter(units, community.rotationStart, data.quarter);
  if (!unit) return 'no council';

  const staff = await db.select({ personId: roles.personId }).from(roles).where(and(eq(roles.communityId, community.id), eq(roles.role, 'staff')));
  const contact = await contactAddress(db, unit, ctx.senders);
  const recipients = [...(contact ? [contact] : []), ...(await privateAddressesOf(db, staff.map((s) => s.personId), ctx.senders))];
  const seen = new Set<string>();
  const messages: OutboxMessage[] = [];
  for (const r of recipients) {
    const where = `${r.platform}\u0000${r.chatId}`;
    if (seen.has(where)) continue;
    seen.add(where);
    messages.push({
      platform: r.platform,
      platformChatId: r.chatId,
      dedupeKey: `meeting-due-${community.id}-${data.quarter}-person-${r.personId}`,
      payload: { text: t(r.lang, 'jobs.meetingDue', { community: community.name, quarter: quarterLabel(r.lang, data.quarter), unit: unit.name }) },
    });
  }

  let reminded = false;
  await db.transaction(async (tx) => {
    await tx.insert(quarterlyChairs).values({ communityId: community.id, quarter: data.quarter, unitId: unit.id }).onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(quarterlyChairs)
      .where(and(eq(quarterlyChairs.communityId, community.id), eq(quarterlyChairs.quarter, data.quarter)))
      .for('update');
    if (!row || row.meetingReminderAt) return;
    await tx.update(quarterlyChairs).set({ meetingReminderAt: now }).where(eq(quarterlyChairs.id, row.id));
    await writeOutbox(tx, messages);
    await tx.insert(auditLog).values({ communityId: community.id, action: 'chair.meeting_reminded', data: { quarter: data.quarter, unitId: row.unitId, recipients: messages.length } });
    reminded = true;
  });
  await enqueuePending(ctx.send, messages.map((m) => m.dedupeKey));
  return reminded ? `reminded ${messages.length}` : 'already reminded';
}

export interface TimersWorkerOptions {
  queueName: string;
  prefix: string;
  connection: Redis;
  concurrency?: number;
}

/** The worker of the timers queue: validates each payload (zod) and runs its handler. */
export function createTimersWorker(ctx: TimerContext, opts: TimersWorkerOptions): Worker {
  const handlers: { [N in TimerName]: (data: TimerData<N>, job: Job, token?: string) => Promise<string> } = {
    'poll-close': (d, job, token) => closePollAtDeadline(ctx, d, job, token),
    'poll-nudge': (d) => nudgeNonVoters(ctx, d),
    'meeting-reminder': (d) => remindMeeting(ctx, d),
    'chair-announce': (d) => announceChair(ctx, d),
    'meeting-due': (d) => remindMeetingDue(ctx, d),
    sync: () => ctx.sync(),
  };
  const worker = new Worker(
    opts.queueName,
    async (job: Job, token?: string) => {
      const name = job.name as TimerName;
      const schema = timerSchemas[name];
      if (!schema) throw new UnrecoverableError(`unknown job ${job.name}`);
      const parsed = schema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`bad ${job.name} payload: ${parsed.error.issues[0]?.message}`);
      const handler = handlers[name] as (data: unknown, job: Job, token?: string) => Promise<string>;
      const result = await handler(parsed.data, job, token);
      ctx.logger.debug('job done', { job: job.id, name: job.name, result });
      return result;
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 4, autorun: false },
  );
  worker.on('failed', (job, err) => {
    if (err.name === 'DelayedError') return;
    ctx.logger.warn('job failed', { job: job?.id, name: job?.name, attemptsMade: job?.attemptsMade, error: err.message });
  });
  worker.on('error', (err) => ctx.logger.error('timers worker error', { error: err }));
  return worker;
}


