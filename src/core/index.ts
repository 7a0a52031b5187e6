/**
 * The core: text or a button press -> command (zod-validated) -> use case in one transaction with its
 * audit row -> Reply. Adapters and jobs see only the Core interface of ./types.ts.
 */
import { and, eq } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Database, Tx } from '../db/client.js';
import { isPgRetryable, isPgUniqueViolation, sqlState } from '../db/errors.js';
import { auditLog, chats, communities, identities, outboundMessages, polls, processedUpdates, suggestions, type Platform } from '../db/schema.js';
import { langOf, t, type Lang } from '../i18n/index.js';
import { silentLogger, type Logger } from '../logger.js';
import { pollResultKey } from '../messaging/port.js';
import { ensureIdentity, ensureResident, findIdentity, roleOf, safeName } from '../people/persons.js';
import { createLinkCode, redeemLinkCode } from '../people/link.js';
import { getSuggestion, makeCtx, type Chat, type CommandResult, type Community, type Ctx } from '../consultation/context.js';
import { comment, suggest, support, withdraw } from '../consultation/raise.js';
import { agenda, close, openVote } from '../consultation/decide.js';
import { done, progress } from '../consultation/evaluate.js';
import { castByCommand } from '../consultation/ballot.js';
import { PressGroups, type PressGroupOptions } from '../consultation/press-groups.js';
import { list, show, stageFromText } from '../consultation/read.js';
import { stats } from '../consultation/stats.js';
import { ballotView as renderBallotView } from '../consultation/poll.js';
import { closeLockedPoll } from '../consultation/close.js';
import { cancelMeeting, chairInfo, moveMeeting, scheduleMeeting } from '../council/meetings.js';
import { buttonSchema, doneArgs, freeText, linkCode, meetingArgs, parseArg, percentArg, pollArgs, slugArg, suggestionNumber } from './args.js';
import { DomainError, refuse } from '../domain/errors.js';
import { errorText } from './refusals.js';
import { parseCommand, splitArgs, type CommandName, type Parsed } from './parse.js';
import { LIMITS, MAX_MESSAGE } from '../domain/text.js';
import type { ChatAddress, Core, CoreEvent, Incoming, Outcome, Reply } from './types.js';

export interface CoreOptions {
  database: Database;
  config: Config;
  logger?: Logger;
  now?: () => Date;
  /** How button presses are grouped into one statement (see consultation/press-groups.ts). */
  pressGroups?: PressGroupOptions;
}

const DUPLICATE = Symbol('duplicate');
const MAX_ATTEMPTS = 10;

/** Builds the core on a database. */
export function createCore(opts: CoreOptions): Core {
  const db = opts.database.db;
  const tz = opts.config.YISHI_TZ;
  const logger = opts.logger ?? silentLogger;
  const clock = opts.now ?? (() => new Date());
  const listeners = new Set<(e: CoreEvent) => void>();
  const pressGroups = new PressGroups(db, opts.pressGroups);

  function emitAll(events: CoreEvent[]) {
    for (const e of events)
      for (const l of listeners) {
        try {
          l(e);
        } catch (err) {
          logger.error('core event listener failed', { event: e, err });
        }
      }
  }

  /** Runs `fn` in a transaction, again on a serialization failure, deadlock or lost insert race. */
  function inTx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return retried(() => db.transaction(fn));
  }

  /** Runs `work` (a transaction or one statement) again on a serialization failure, deadlock or lost insert race. */
  async function retried<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && (isPgRetryable(err) || isPgUniqueViolation(err))) {
          logger.debug('retrying a transaction', { attempt, sqlState: sqlState(err) });
          await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
          continue;
        }
        throw err;
      }
    }
  }

  async function handle(incoming: Incoming): Promise<Outcome> {
    const lang = langOf(incoming.sender.lang);
    const isButton = typeof incoming.button === 'string';
    const parsed = isButton ? undefined : parseCommand(incoming.text ?? '');
    if (!isButton && !parsed) return chatter(incoming);
    const now = clock();
    const events: CoreEvent[] = [];
    const log = logger.child({ platform: incoming.platform, chat: incoming.chat.platformChatId, update: incoming.updateKey });
    try {
      if (isButton) return await pressButton(incoming, now, lang);
      const outcome = await inTx(async (tx) => {
        events.length = 0;
        if (incoming.updateKey && (await alreadyProcessed(tx, incoming.platform, incoming.updateKey))) throw DUPLICATE;
        const result = await dispatch(tx, incoming, parsed!, now, lang, events);
        const out = toOutcome(result, isButton, lang);
        if (incoming.updateKey)
          await tx.insert(processedUpdates).values({ platform: incoming.platform, updateKey: incoming.updateKey, replies: out.replies, processedAt: now });
        return out;
      });
      emitAll(events);
      return outcome;
    } catch (err) {
      if (err === DUPLICATE) return { duplicate: true, replies: [] };
      if (err instanceof DomainError) {
        const text = errorText(err, lang);
        const out: Outcome = isButton ? { replies: [], toast: text, errorCode: err.code } : { replies: [{ text }], errorCode: err.code };
        // A refusal changes nothing but is still "processed": a re-delivery must not answer twice.
        if (incoming.updateKey) {
          const rows = await db
            .insert(processedUpdates)
            .values({ platform: incoming.platform, updateKey: incoming.updateKey, replies: out.replies, processedAt: now })
            .onConflictDoNothing()
            .returning();
          if (!rows.length) return { duplicate: true, replies: [] };
        }
        return out;
      }
      log.error('command failed', { err, text: incoming.text?.slice(0, 80), button: incoming.button });
      const text = t(lang, 'err.INTERNAL');
      return isButton ? { replies: [], toast: text, errorCode: 'INTERNAL' } : { replies: [{ text }], errorCode: 'INTERNAL' };
    }
  }

  /** Ordinary chatter: silent, but the writer of a bound group chat becomes a resident. */
  async function chatter(incoming: Incoming): Promise<Outcome> {
    if (incoming.chat.kind !== 'group') return { ignored: true, replies: [] };
    try {
      const chat = await findChat(db as unknown as Tx, incoming.platform, incoming.chat.platformChatId);
      if (!chat?.communityId) return { ignored: true, replies: [] };
      const identity = await findIdentity(db, incoming.platform, incoming.sender.platformUserId);
      if (identity && (await roleOf(db, chat.communityId, identity.personId))) return { ignored: true, replies: [] };
      const now = clock();
      await inTx(async (tx) => {
        const { identity: id } = await ensureIdentity(tx, incoming.platform, incoming.sender);
        if (await ensureResident(tx, chat.communityId!, id.personId))
          await tx.insert(auditLog).values({ communityId: chat.communityId, actorId: id.personId, action: 'member.joined', data: { platform: incoming.platform, via: 'message' }, at: now });
      });
    } catch (err) {
      logger.warn('could not record a chat member', { err });
    }
    return { ignored: true, replies: [] };
  }

  async function dispatch(tx: Tx, incoming: Incoming, parsed: Parsed, now: Date, lang: Lang, events: CoreEvent[]): Promise<CommandResult> {
    if (parsed.kind === 'unknown') return refuse('UNKNOWN_COMMAND');
    const { name, args } = parsed;
    if (incoming.chat.kind === 'private') return privateCommand(tx, incoming, name, args, now, lang);
    const chat = await findChat(tx, incoming.platform, incoming.chat.platformChatId);
    if (name === 'bind') return bind(tx, incoming, chat, args, now, lang, events);
    if (!chat?.communityId) {
      if (name === 'help' || name === 'start') return { reply: { text: t(lang, 'help.unbound') } };
      return refuse('NOT_BOUND');
    }
    const ctx = await memberCtx(tx, incoming, chat, chat.communityId, now, lang, events);
    const result = await groupCommand(ctx, name, args);
    await auditJoinIfSilent(ctx);
    return result;
  }

  /** Creates the identity and resident role of the sender (inside the command's transaction). */
  async function memberCtx(tx: Tx, incoming: Incoming, chat: Chat | undefined, communityId: number, now: Date, lang: Lang, events: CoreEvent[]) {
    const [community] = await tx.select().from(communities).where(eq(communities.id, communityId));
    const { identity } = await ensureIdentity(tx, incoming.platform, incoming.sender);
    const personId = identity.personId;
    const displayName = identity.displayName ?? '';
    const joined = await ensureResident(tx, communityId, personId);
    const ctx = makeCtx({ tx, now, tz, lang, community, chat, personId, displayName, events, audits: { count: 0 } });
    return Object.assign(ctx, { joined });
  }

  async function auditJoinIfSilent(ctx: Ctx & { joined: boolean }) {
    if (ctx.joined && ctx.audits.count === 0) await ctx.audit('member.joined', { platform: ctx.chat?.platform ?? null, via: 'command' });
  }

  async function groupCommand(ctx: Ctx, name: CommandName, args: string): Promise<CommandResult> {
    const num = (example: string, v: string | undefined) => parseArg(suggestionNumber(example), v ?? '');
    const two = () => splitArgs(args, 2);
    switch (name) {
      case 'start':
      case 'help':
        return { reply: { text: await helpText(ctx) } };
      case 'bind':
        throw new Error('unreachable');
      case 'suggest':
        return suggest(ctx, parseArg(freeText(LIMITS.suggestion, '/suggest 东门路灯坏了，晚上很黑'), args));
      case 'support':
        return support(ctx, num('/support 3', args));
      case 'comment': {
        const [n, text = ''] = two();
        return comment(ctx, num('/comment 3 我同意，最好加装感应灯', n), parseArg(freeText(LIMITS.comment, '/comment 3 我同意'), text));
      }
      case 'list': {
        const stage = args.trim() ? stageFromText(ctx, args) : undefined;
        if (args.trim() && !stage) return refuse('BAD_CHOICE', { choices: 'raised supported on_agenda voting approved rejected in_progress evaluating evaluated withdrawn' });
        return list(ctx, stage);
      }
      case 'show':
        return show(ctx, num('/show 3', args));
      case 'agenda':
        return agenda(ctx, num('/agenda 3', args));
      case 'poll': {
        const a = pollArgs(args);
        return openVote(ctx, a.n, a.durationMs, a.choices);
      }
      case 'vote':
      case 'rate': {
        const [n, k = ''] = two();
        const number = num(name === 'vote' ? '/vote 3 1' : '/rate 3 1', n);
        if (!k.trim()) return refuse('BAD_CHOICE', { choices: name === 'vote' ? '1 2 3' : '1.满意 2.基本满意 3.不满意' });
        const s = await getSuggestion(ctx, number);
        // /vote only casts ballots and /rate only ratings: a rating typed while a vote is open must not become a ballot.
        return castByCommand(ctx, s, parseArg(freeText(LIMITS.choice, '/vote 3 1'), k), name === 'vote' ? 'vote' : 'rating');
      }
      case 'close':
        return close(ctx, num('/close 3', args));
      case 'progress': {
        const [n, pct = '', text = ''] = splitArgs(args, 3);
        const number = num('/progress 3 50 已完成招标', n);
        return progress(ctx, number, parseArg(percentArg, pct), parseArg(freeText(LIMITS.progress, '/progress 3 50 已完成招标'), text));
      }
      case 'done': {
        const a = doneArgs(args);
        return done(ctx, a.n, a.durationMs);
      }
      case 'withdraw':
        return withdraw(ctx, num('/withdraw 3', args));
      case 'link':
        return link(ctx.tx, ctx.personId, ctx.chat!.platform, args, ctx.now, ctx.lang, true);
      case 'chair':
        return chairInfo(ctx);
      case 'meeting': {
        const a = meetingArgs(args, tz);
        if (a.op === 'move') return moveMeeting(ctx, a.id, a.when);
        if (a.op === 'cancel') return cancelMeeting(ctx, a.id);
        return scheduleMeeting(ctx, a.when, a.place);
      }
      case 'stats':
        return stats(ctx);
    }
  }

  async function helpText(ctx: Ctx): Promise<string> {
    const parts = [ctx.t('help.member')];
    const staff = await ctx.isStaff();
    if (staff || (await ctx.isChair())) parts.push(ctx.t('help.chair'));
    if (staff) parts.push(ctx.t('help.staff'));
    return parts.join('\n\n');
  }

  async function privateCommand(tx: Tx, incoming: Incoming, name: CommandName, args: string, now: Date, lang: Lang): Promise<CommandResult> {
    if (name === 'help') return { reply: { text: t(lang, 'help.private') } };
    if (name === 'start') {
      const { identity } = await ensureIdentity(tx, incoming.platform, incoming.sender);
      if (identity.privateChatId !== incoming.chat.platformChatId) {
        await tx.update(identities).set({ privateChatId: incoming.chat.platformChatId }).where(eq(identities.id, identity.id));
        await tx.insert(auditLog).values({ actorId: identity.personId, action: 'identity.started', data: { platform: incoming.platform }, at: now });
      }
      return { reply: { text: t(lang, 'start.ok', { name: identity.displayName ?? '' }) } };
    }
    if (name === 'link') {
      const { identity } = await ensureIdentity(tx, incoming.platform, incoming.sender);
      return link(tx, identity.personId, incoming.platform, args, now, lang, false, identity.id);
    }
    if (name === 'bind') return refuse('GROUP_ONLY');
    return refuse('NOT_BOUND', {}, 'err.NOT_BOUND_PRIVATE');
  }

  async function link(tx: Tx, personId: number, platform: Platform, args: string, now: Date, lang: Lang, inGroup: boolean, identityId?: number): Promise<CommandResult> {
    if (!args.trim()) {
      const code = await createLinkCode(tx, personId, platform, now);
      // In a group the code goes to the sender in private: whoever redeems it joins this person.
      return { reply: { text: t(lang, 'link.code', { code }), to: inGroup ? 'private' : 'chat' } };
    }
    const code = parseArg(linkCode, args);
    let idId = identityId;
    if (idId === undefined) {
      const [row] = await tx.select({ id: identities.id }).from(identities).where(and(eq(identities.personId, personId), eq(identities.platform, platform)));
      idId = row.id;
    }
    const { personId: keep } = await redeemLinkCode(tx, code, idId, now);
    const [p] = await tx.select({ name: identities.displayName }).from(identities).where(eq(identities.personId, keep)).limit(1);
    return { reply: { text: t(lang, 'link.ok', { name: p?.name ?? '' }) } };
  }

  async function bind(tx: Tx, incoming: Incoming, chat: Chat | undefined, args: string, now: Date, lang: Lang, events: CoreEvent[]): Promise<CommandResult> {
    const slug = parseArg(slugArg, args);
    const [community] = await tx.select().from(communities).where(eq(communities.slug, slug));
    if (!community) return refuse('UNKNOWN_COMMUNITY', { slug });
    const identity = await findIdentity(tx, incoming.platform, incoming.sender.platformUserId);
    if (!identity || (await roleOf(tx, community.id, identity.personId)) !== 'staff') return refuse('NOT_STAFF');
    if (chat?.communityId === community.id) return { reply: { text: t(lang, 'bind.already', { name: community.name, slug }) } };
    const title = incoming.chat.title ? safeName(incoming.chat.title, '') : null;
    const [row] = await tx
      .insert(chats)
      .values({ platform: incoming.platform, platformChatId: incoming.chat.platformChatId, kind: 'group', title, communityId: community.id, boundAt: now, createdAt: now })
      .onConflictDoUpdate({ target: [chats.platform, chats.platformChatId], set: { communityId: community.id, boundAt: now, title } })
      .returning();
    await ensureIdentity(tx, incoming.platform, incoming.sender);
    await tx.insert(auditLog).values({ communityId: community.id, actorId: identity.personId, action: 'chat.bound', data: { chatId: row.id, platform: incoming.platform, platformChatId: incoming.chat.platformChatId, from: chat?.communityId ?? null }, at: now });
    events.push({ type: 'chat.bound', communityId: community.id, platform: incoming.platform, platformChatId: incoming.chat.platformChatId });
    return { reply: { text: t(lang, 'bind.ok', { name: community.name, slug }) } };
  }

  /**
   * A ballot or rating button: one statement (dedupe, checks, membership, ballot, audit and
   * processed_updates row all in the database function; see pressBallotButton), grouped with presses
   * arriving at the same time into one statement and transaction (see PressGroups). Button data
   * that is not even well formed is refused here and recorded as processed by handle's refusal path.
   */
  async function pressButton(incoming: Incoming, now: Date, lang: Lang): Promise<Outcome> {
    const parsed = buttonSchema.safeParse(incoming.button);
    if (!parsed.success) return refuse('BAD_BUTTON');
    const { kind, pollId, k } = parsed.data;
    const r = await retried(() =>
      pressGroups.press({ platform: incoming.platform, updateKey: incoming.updateKey, chat: incoming.chat, sender: incoming.sender, kind, pollId, position: k, now }),
    );
    if (r.outcome === 'duplicate') return { duplicate: true, replies: [] };
    if (r.outcome === 'cast' || r.outcome === 'changed') {
      const toast = kind === 'vote' ? t(lang, r.outcome === 'changed' ? 'vote.changed' : 'vote.toast', { choice: r.label }) : t(lang, 'rate.toast', { choice: r.label });
      return { replies: [], toast, changedPollIds: [pollId] };
    }
    // A refusal: the statement wrote only the processed_updates row.
    const err = new DomainError(r.outcome, r.outcome === 'POLL_CLOSED' && r.suggestionNumber !== undefined ? { n: r.suggestionNumber } : {});
    return { replies: [], toast: errorText(err, lang), errorCode: err.code };
  }

  function toOutcome(r: CommandResult, isButton: boolean, lang: Lang): Outcome {
    const replies = r.reply && !isButton ? [fit(r.reply, lang)] : [];
    const out: Outcome = { replies };
    if (isButton) out.toast = r.toast;
    if (r.changedPollIds?.length) out.changedPollIds = r.changedPollIds;
    return out;
  }

  return {
    handle,
    async ballotView(pollId, lang) {
      const reply = await renderBallotView(db, pollId, langOf(lang), tz);
      return reply && fit(reply, langOf(lang));
    },
    async setPollMessage(pollId, messageId) {
      // Delivery bookkeeping, not a consultation change: no audit row.
      await db.update(polls).set({ messageId }).where(eq(polls.id, pollId));
    },
    async closeDuePoll(pollId, now = clock()) {
      const events: CoreEvent[] = [];
      const result = await inTx(async (tx) => {
        events.length = 0;
        const [poll] = await tx.select().from(polls).where(eq(polls.id, pollId)).for('update');
        if (!poll || poll.status !== 'open' || poll.deadline.getTime() > now.getTime()) return undefined;
        const [s] = await tx.select().from(suggestions).where(eq(suggestions.id, poll.suggestionId)).for('update');
        // One pipelined round trip (see closeLockedPoll).
        const [[community], [chat]] = await Promise.all([
          tx.select().from(communities).where(eq(communities.id, s.communityId)),
          poll.chatId ? tx.select().from(chats).where(eq(chats.id, poll.chatId)) : Promise.resolve([]),
        ]);
        const { reply } = await closeLockedPoll(tx, { poll, suggestion: s, community, now, lang: 'zh', actorId: null, byDeadline: true, events });
        if (!chat) {
          logger.warn('closed a poll that has no chat to post its result to', { pollId });
          return undefined;
        }
        const to: ChatAddress = { platform: chat.platform, platformChatId: chat.platformChatId };
        const fitted = fit(reply, 'zh');
        // The result goes to the outbox in the close's own transaction: the send queue delivers it even if
        // the process dies right after this commit.
        await tx
          .insert(outboundMessages)
          .values({ ...to, dedupeKey: pollResultKey(pollId), payload: { text: fitted.text, ...(fitted.buttons?.length ? { buttons: fitted.buttons } : {}) } })
          .onConflictDoNothing({ target: outboundMessages.dedupeKey });
        return { to, reply: fitted };
      });
      emitAll(events);
      return result;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

async function alreadyProcessed(tx: Tx, platform: Platform, updateKey: string): Promise<boolean> {
  const [row] = await tx.select({ k: processedUpdates.updateKey }).from(processedUpdates).where(and(eq(processedUpdates.platform, platform), eq(processedUpdates.updateKey, updateKey)));
  return !!row;
}

async function findChat(tx: Tx, platform: Platform, platformChatId: string): Promise<Chat | undefined> {
  const [row] = await tx.select().from(chats).where(and(eq(chats.platform, platform), eq(chats.platformChatId, platformChatId)));
  return row;
}

/** Nothing sent is longer than a platform allows. */
function fit(reply: Reply, lang: Lang): Reply {
  if (reply.text.length <= MAX_MESSAGE) return reply;
  const tail = '\n' + t(lang, 'truncated');
  let cut = reply.text.slice(0, MAX_MESSAGE - tail.length);
  // Never leave half a surrogate pair at the cut.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return { ...reply, text: cut + tail };
}

export type { Community };
