/**
 * The core: text or a button press -> the router's use case, run in one transaction with its audit
 * row (./unit-of-work.ts) -> Outcome. Adapters and jobs see only the Core interface of ./types.ts.
 */
import type { Config } from '../lib/config.js';
import type { Database } from '../db/client.js';
import { refuse } from '../domain/errors.js';
import { langOf, type Lang } from '../i18n/index.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { ballotView } from '../consultation/poll.js';
import { renderAttachment } from '../reports/attachments.js';
import { closeDuePoll } from '../consultation/close-due.js';
import { closeDueOwnersVote } from '../owners/close.js';
import { auditJoinIfSilent, makeMemberCtx } from '../consultation/member.js';
import { PressGroups, type PressGroupOptions } from '../consultation/press-groups.js';
import { setPollMessage } from '../consultation/poll-message.js';
import { claimUndelivered, markRepliesDelivered } from '../messaging/updates.js';
import { makePersonCtx, type Where } from '../kernel/person-context.js';
import { chatterNeedsJoin, findChat, joinByChatter } from '../people/join.js';
import { migrateChat } from '../people/chat-migrate.js';
import { setChatActive } from '../people/chat-state.js';
import { parseCommand } from './parse.js';
import { createQueries } from './queries.js';
import { fit, refusalOutcome, UnitOfWork } from '../kernel/unit-of-work.js';
import { BALLOT_BUTTONS, BUTTONS, ROUTES, type StatementButton } from './router.js';
import type { Core, CoreEvent, Incoming, Outcome } from '../kernel/types.js';
import type { Tx } from '../db/client.js';
import type { Chat, CommandResult, Ctx } from '../kernel/context.js';

export interface CoreOptions {
  database: Database;
  config: Config;
  logger?: Logger;
  now?: () => Date;
  /** How button presses are grouped into one statement (see consultation/press-groups.ts). */
  pressGroups?: PressGroupOptions;
}

/** Builds the core on a database. */
export function createCore(opts: CoreOptions): Core {
  const db = opts.database.db;
  const tz = opts.config.YISHI_TZ;
  const logger = opts.logger ?? silentLogger;
  const clock = opts.now ?? (() => new Date());
  const listeners = new Set<(e: CoreEvent) => void>();
  const notify = (events: CoreEvent[]) => {
    for (const e of events)
      for (const l of listeners) {
        try {
          l(e);
        } catch (err) {
          logger.error('core event listener failed', { event: e, err });
        }
      }
  };
  const uow = new UnitOfWork(opts.database, logger, notify);
  const pressGroups = new PressGroups(db, opts.pressGroups);

  /** The command's use case inside the unit of work's transaction, chosen by the router for where it was written. */
  async function command(tx: Tx, incoming: Incoming, name: keyof typeof ROUTES, args: string, now: Date, lang: Lang, events: CoreEvent[]): Promise<CommandResult> {
    const route = ROUTES[name];
    const chat = await findChat(tx, incoming.platform, incoming.chat.platformChatId);
    const where: Where = { platform: incoming.platform, platformChatId: incoming.chat.platformChatId, kind: incoming.chat.kind, title: incoming.chat.title, chat, replyToText: incoming.replyToText };
    const person = () => makePersonCtx({ tx, now, tz, lang, where, sender: incoming.sender, events });
    if (incoming.chat.kind === 'private') return route.private ? route.private(await person(), args) : refuse('NOT_BOUND', {}, 'err.NOT_BOUND_PRIVATE');
    if (route.anyGroup) return route.anyGroup(await person(), args);
    if (!chat?.communityId) return route.unbound ? route.unbound(await person(), args) : refuse('NOT_BOUND');
    if (!route.group) return refuse('UNKNOWN_COMMAND');
    const group = route.group;
    return asMember(tx, incoming, { ...chat, communityId: chat.communityId }, now, lang, events, (ctx) => group(ctx, args));
  }

  /** Runs `work` as the writer, made a resident of the chat's community on first sight (a bare join audited). */
  async function asMember(tx: Tx, incoming: Incoming, chat: Chat & { communityId: number }, now: Date, lang: Lang, events: CoreEvent[], work: (ctx: Ctx) => Promise<CommandResult>): Promise<CommandResult> {
    const ctx = await makeMemberCtx({ tx, now, tz, lang, platform: incoming.platform, chat, threadId: incoming.chat.threadId, sender: incoming.sender, events });
    const result = await work(ctx);
    await auditJoinIfSilent(ctx);
    return result;
  }

  /** A button that is not a ballot: its prefix's use case, in a bound group. */
  async function button(tx: Tx, incoming: Incoming, data: string, now: Date, lang: Lang, events: CoreEvent[]): Promise<CommandResult> {
    const run = BUTTONS[data.split(':', 1)[0]!];
    const chat = incoming.chat.kind === 'group' ? await findChat(tx, incoming.platform, incoming.chat.platformChatId) : undefined;
    if (!run || !chat?.communityId) return refuse('BAD_BUTTON');
    return asMember(tx, incoming, { ...chat, communityId: chat.communityId }, now, lang, events, (ctx) => run(ctx, data));
  }

  /** A ballot or rating button (the router's BALLOT_BUTTONS): its own statement, its answer made an Outcome. */
  async function pressBallot(incoming: Incoming, press: StatementButton, now: Date, lang: Lang): Promise<Outcome | undefined> {
    const answer = await uow.retry(() => press(pressGroups, incoming, incoming.button!, now, lang));
    if (!answer) return undefined;
    if ('duplicate' in answer) return { stored: true, duplicate: true, replies: [] };
    if ('refused' in answer) return refusalOutcome(answer.refused, lang, true);
    return { stored: true, replies: [], toast: answer.result.toast, changedPollIds: answer.result.changedPollIds };
  }

  /** A deadline's close, in one transaction; listeners hear what it changed after the commit. */
  async function closeDue<T>(work: (tx: Tx, events: CoreEvent[]) => Promise<T>): Promise<T> {
    const events: CoreEvent[] = [];
    const result = await uow.inTransaction((tx) => {
      events.length = 0;
      return work(tx, events);
    });
    notify(events);
    return result;
  }

  async function handle(incoming: Incoming): Promise<Outcome> {
    const lang = langOf(incoming.sender.lang);
    const now = clock();
    if (typeof incoming.button === 'string') {
      const ballot = BALLOT_BUTTONS[incoming.button.split(':', 1)[0]!];
      try {
        const pressed = ballot && (await pressBallot(incoming, ballot, now, lang));
        if (pressed) return pressed;
      } catch (err) {
        return uow.failed(err, incoming, lang, true);
      }
      return uow.run(incoming, now, lang, true, (tx, events) => button(tx, incoming, incoming.button!, now, lang, events));
    }
    const parsed = parseCommand(incoming.text ?? '');
    // No person behind it (an anonymous admin, a channel): nobody joins, and no command is counted.
    if (incoming.anonymous) return parsed ? uow.run(incoming, now, lang, false, async () => refuse('WRITE_AS_YOURSELF')) : { stored: true, ignored: true, replies: [] };
    if (!parsed) return chatter(incoming, now);
    if (parsed.kind === 'unknown') return uow.run(incoming, now, lang, false, async () => refuse('UNKNOWN_COMMAND'));
    return uow.run(incoming, now, lang, false, (tx, events) => command(tx, incoming, parsed.name, parsed.args, now, lang, events));
  }

  /** Ordinary chatter: silent, but the writer of a bound group chat becomes a resident. */
  async function chatter(incoming: Incoming, now: Date): Promise<Outcome> {
    if (incoming.chat.kind !== 'group') return { stored: true, ignored: true, replies: [] };
    try {
      const communityId = await chatterNeedsJoin(db, incoming.platform, incoming.chat.platformChatId, incoming.sender.platformUserId);
      if (communityId !== undefined) await uow.inTransaction((tx) => joinByChatter(tx, incoming.platform, communityId, incoming.sender, now));
    } catch (err) {
      logger.warn('could not record a chat member', { err });
      return { stored: false, failure: 'error', ignored: true, replies: [] };
    }
    return { stored: true, ignored: true, replies: [] };
  }

  return {
    handle,
    async ballotView(pollId, lang) {
      const reply = await ballotView(db, pollId, langOf(lang), tz);
      return reply && fit(reply, langOf(lang));
    },
    setPollMessage: (pollId, platformChatId, messageId) => setPollMessage(db, pollId, platformChatId, messageId),
    repliesDelivered: (platform, updateKey) => uow.retry(() => markRepliesDelivered(db, platform, updateKey, clock())),
    claimUndeliveredReplies: (platform, range) => uow.retry(() => claimUndelivered(db, platform, { ...range, at: clock() })),
    query: createQueries(db),
    closeDuePoll: (pollId, now = clock()) => closeDue((tx, events) => closeDuePoll(tx, pollId, now, events, fit)),
    closeDueOwnersVote: (voteId, now = clock()) => closeDue((tx, events) => closeDueOwnersVote(tx, voteId, now, events, fit)),
    migrateChat: (platform, fromChatId, toChatId) => uow.inTransaction((tx) => migrateChat(tx, platform, fromChatId, toChatId, clock())),
    async setChatActive(platform, platformChatId, active, reason) {
      await uow.inTransaction((tx) => setChatActive(tx, platform, platformChatId, active, reason, clock()));
    },
    renderAttachment: (attachment, lang) => renderAttachment(db, attachment, { lang: langOf(lang), tz, now: clock() }),
    publish: (events) => notify(events),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
