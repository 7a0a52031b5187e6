/**
 * The WeChat adapter on Wechaty 1.x: room and private text messages in, the core's replies out through
 * a slow, ordered send queue. Puppet-agnostic: the puppet comes from WECHATY_PUPPET (its own variables,
 * such as WECHATY_PUPPET_SERVICE_TOKEN, are read by the puppet from the environment) or is given by tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import qrcodeTerminal from 'qrcode-terminal';
import { WechatyBuilder, ScanStatus, qrcodeValueToImageUrl, types } from 'wechaty';
import type { Wechaty, Contact, Room, Message } from 'wechaty';
import type { AppDeps, Stoppable } from '../../src/core/app-types.js';
import type { Incoming, Outcome, Reply } from '../../src/kernel/types.js';
import type { Attachment } from '../../src/domain/messages.js';
import { PermanentSendError, RateLimitedError, type OutboundMessage, type PlatformSender } from '../../src/messaging/port.js';
import { KeyedSerializer } from '../../src/lib/keyed-serializer.js';
import { renderText } from './render.js';
import { SendQueue } from './send-queue.js';
import { wechatStrings } from './strings.js';
import { normalizeCommandText, splitText } from './text.js';

export { normalizeCommandText, splitText } from './text.js';
export { renderText } from './render.js';

type Puppet = NonNullable<Parameters<typeof WechatyBuilder.build>[0]> extends infer O
  ? O extends { puppet?: infer P } ? P : never
  : never;

export interface WechatBotOptions {
  /** A puppet instance (tests: PuppetMock) or a puppet module name such as 'wechaty-puppet-service'. */
  puppet: Puppet;
  /** Minimum gap between two sends to one room or contact (default 3000 ms: WeChat bans fast senders). */
  sendIntervalMs?: number;
  /** Minimum gap between any two sends of the account (default: the smaller of 1000 ms and sendIntervalMs). */
  globalIntervalMs?: number;
  /** Send attempts per message before giving up (default 5). */
  maxAttempts?: number;
  /** Wait before the first retry of a failed send, doubling after (default 2000 ms). */
  retryBaseMs?: number;
  /** Longest text sent in one message; longer replies are split (default 2000 characters). */
  maxLength?: number;
  /** Where Wechaty keeps its login session (a memory-card file name; default: in memory only). */
  sessionFile?: string;
  /** Called after a message has been handled and its replies queued (tests wait on it). */
  onHandled?: (messageId: string, outcome: Outcome | undefined) => void;
  /** Shows a login QR code (default: drawn in the terminal with qrcode-terminal, on stdout). */
  showQr?: (qrcode: string, url: string) => void;
}

export interface WechatBot extends Stoppable {
  wechaty: Wechaty;
  /** The same send path as replies, registered in deps.senders as 'wechat'. */
  sender: PlatformSender;
  start(): Promise<void>;
  /** Resolves with the bot's own contact once it is logged in. */
  loggedIn(): Promise<Contact>;
  /** Resolves when every queued message has been sent or given up. */
  idle(): Promise<void>;
}

/** History some puppets replay at login is not acted on: a vote from yesterday is not a vote today. */
const MAX_MESSAGE_AGE_MS = 10 * 60_000;

/** Builds the adapter around a given puppet and registers its sender; call start() to run it. */
export function createWechatBot(deps: AppDeps, opts: WechatBotOptions): WechatBot {
  const logger = deps.logger.child({ adapter: 'wechat' });
  const intervalMs = opts.sendIntervalMs ?? 3000;
  const maxLength = opts.maxLength ?? 2000;
  const memory = opts.sessionFile ? { name: opts.sessionFile } : {};
  const wechaty = WechatyBuilder.build({ ...memory, puppet: opts.puppet } as Parameters<typeof WechatyBuilder.build>[0]);
  /** Rooms and contacts seen or found, by id: where queued texts go. */
  const conversations = new Map<string, Room | Contact>();
  const inFlight = new Set<Promise<void>>();
  let startedAt = Date.now();
  let started = false;
  let stopping = false;

  let loginResolve!: (c: Contact) => void;
  let loginPromise = new Promise<Contact>((r) => { loginResolve = r; });

  const queue = new SendQueue({
    intervalMs,
    globalIntervalMs: opts.globalIntervalMs ?? Math.min(1000, intervalMs),
    maxAttempts: opts.maxAttempts ?? 5,
    retryBaseMs: opts.retryBaseMs ?? 2000,
    logger,
    send: async (conversationId, text) => {
      const target = await resolveConversation(conversationId);
      try {
        const sent = await target.say(text);
        return sent && typeof sent === 'object' && 'id' in sent ? String((sent as Message).id) : undefined;
      } catch (err) {
        // WeChat's "操作过于频繁" is a warning before a ban: back off for a whole minute.
        const message = err instanceof Error ? err.message : String(err);
        if (/频繁|too frequent|frequency|rate.?limit/i.test(message)) throw new RateLimitedError(60_000, message);
        throw err;
      }
    },
  });

  async function resolveConversation(id: string): Promise<Room | Contact> {
    const known = conversations.get(id);
    if (known) return known;
    if (!wechaty.isLoggedIn) throw new Error('wechat: not logged in yet');
    const kind = await deps.core.query.chatKind('wechat', id).catch(() => undefined);
    const isRoom = kind ? kind === 'group' : id.endsWith('@chatroom');
    const found = isRoom ? await wechaty.Room.find({ id }) : await wechaty.Contact.find({ id });
    if (!found) throw new PermanentSendError(`wechat: no ${isRoom ? 'room' : 'contact'} ${id}`);
    conversations.set(id, found);
    return found;
  }

  /** A puppet sends no file for us: a result picture or a notice goes as a signed link after the text. */
  const withFileLink = async (text: string, attachment: Attachment | undefined, lang?: string) => {
    if (!attachment || !deps.core.attachmentLink) return text;
    const link = await deps.core.attachmentLink(attachment, lang).catch((err) => void logger.warn('wechat: no link to the file', { err }));
    return link ? `${text}\n${link}` : text;
  };

  const pollInfo = (pollId: number | undefined) => (pollId === undefined ? Promise.resolve(undefined) : deps.core.query.pollInfo(pollId));

  /** Queues a text (split when long); resolves with the id of its last part, which carries any choices. */
  async function sendText(conversationId: string, text: string): Promise<string | undefined> {
    const parts = splitText(text, maxLength);
    const sends = parts.map((p) => queue.enqueue(conversationId, p));
    const ids = await Promise.all(sends);
    return ids[ids.length - 1];
  }

  /**
   * Renders a reply and queues it; resolves once it is queued (so replies keep the order of the
   * commands) with the promise of its sending, which the caller need not wait for.
   */
  async function deliver(reply: Reply, ctx: { room?: Room; talker: Contact; name: string; lang?: string }): Promise<{ sent: Promise<void> }> {
    const text = renderText(await withFileLink(reply.text, reply.attachment, ctx.lang), reply.buttons, await pollInfo(reply.pollId), ctx.lang);
    let sending: Promise<string | undefined>;
    // A ballot counts only where the poll's chat is (the core ignores it anywhere else).
    const conversationId = ctx.room ? ctx.room.id : ctx.talker.id;
    if (reply.to === 'private' && ctx.room) {
      const room = ctx.room;
      const mention = wechatStrings(ctx.lang).privateFallback(ctx.name);
      // Only friends can be written to privately; anyone else gets a short mention in the room.
      if (ctx.talker.friend() === true) {
        sending = sendText(ctx.talker.id, text).catch((err) => {
          logger.warn('private reply failed, answering in the room', { contactId: ctx.talker.id, err });
          return sendText(room.id, mention + text);
        });
      } else {
        sending = sendText(room.id, mention + text);
      }
    } else {
      sending = sendText(conversationId, text);
    }
    // Wrapped in an object: an async function returning a bare promise would wait for it.
    return {
      sent: sending.then(async (messageId) => {
        if (reply.pollId !== undefined && messageId) await deps.core.setPollMessage(reply.pollId, conversationId, messageId);
      }),
    };
  }

  /** Sends still under way, so idle() and stop() can wait for them. */
  const background = new Set<Promise<void>>();
  function track(p: Promise<void>, log: typeof logger): void {
    const tracked = p
      .catch((err) => log.error('a wechat reply could not be sent', { err }))
      .finally(() => background.delete(tracked));
    background.add(tracked);
  }

  async function onMessage(msg: Message): Promise<void> {
    if (msg.self() || stopping) return;
    if (msg.type() !== types.Message.Text) return;
    if (Date.now() - msg.date().getTime() > MAX_MESSAGE_AGE_MS && msg.date().getTime() < startedAt) return;
    const talker = msg.talker();
    if (!talker || talker.self()) return;
    // Official accounts and corporate bots are not residents.
    const contactType = talker.type();
    if (contactType !== types.Contact.Individual && contactType !== types.Contact.Unknown) return;
    const room = msg.room();
    const raw = msg.text();
    const botNames = new Set<string>([wechaty.currentUser.name()]);
    let displayName = talker.name();
    let title: string | undefined;
    if (room) {
      const [botAlias, talkerAlias, topic] = await Promise.all([
        room.alias(wechaty.currentUser).catch(() => undefined),
        room.alias(talker).catch(() => undefined),
        room.topic().catch(() => undefined),
      ]);
      if (botAlias) botNames.add(botAlias);
      if (talkerAlias) displayName = talkerAlias;
      title = topic;
      conversations.set(room.id, room);
    }
    conversations.set(talker.id, talker);
    const text = normalizeCommandText(raw, [...botNames]);
    if (!text) return;
    const incoming: Incoming = {
      platform: 'wechat',
      chat: room ? { platformChatId: room.id, kind: 'group', title } : { platformChatId: talker.id, kind: 'private' },
      sender: { platformUserId: talker.id, displayName: displayName || talker.id },
      text,
      updateKey: msg.id,
    };
    const log = logger.child({ messageId: msg.id, chatId: incoming.chat.platformChatId });
    let outcome: Outcome | undefined;
    try {
      outcome = await deps.core.handle(incoming);
    } catch (err) {
      log.error('core failed on a wechat message', { err });
      track(sendText(room ? room.id : talker.id, wechatStrings().internalError).then(() => undefined), log);
      opts.onHandled?.(msg.id, undefined);
      return;
    }
    if (!outcome.duplicate && !outcome.ignored) {
      // The contact id logged here is what `yishi role grant <slug> wechat:<id> staff` needs.
      log.info('wechat command', { contactId: talker.id, command: text.split(/\s/, 1)[0], refused: outcome.errorCode });
      for (const original of outcome.replies) {
        // A ballot confirmation in the room would show everyone how each neighbour voted and flood
        // a busy group: it goes privately where possible (the core leaves this choice to the adapter).
        const reply: Reply = room && original.confidential ? { ...original, to: 'private' } : original;
        try {
          track((await deliver(reply, { room, talker, name: displayName || talker.name() })).sent, log);
        } catch (err) {
          log.error('a wechat reply could not be queued', { err });
        }
      }
    }
    opts.onHandled?.(msg.id, outcome);
  }

  wechaty.on('scan', (qrcode, status) => {
    if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) {
      logger.info('wechat scan status', { status: ScanStatus[status] });
      return;
    }
    const url = qrcodeValueToImageUrl(qrcode);
    if (opts.showQr) opts.showQr(qrcode, url);
    else {
      qrcodeTerminal.generate(qrcode, { small: true }, (art) => process.stdout.write(`${art}\n`));
      process.stdout.write(`扫码登录微信 / scan to log in to WeChat: ${url}\n`);
    }
    logger.info('wechat login QR code', { url });
  });
  wechaty.on('login', (user) => {
    logger.info('wechat logged in', { userId: user.id, name: user.name() });
    loginResolve(user);
  });
  wechaty.on('logout', (user, reason) => {
    logger.warn('wechat logged out', { userId: user.id, reason });
    loginPromise = new Promise<Contact>((r) => { loginResolve = r; });
  });
  wechaty.on('error', (err) => logger.error('wechaty error', { err }));
  /**
   * Messages of one chat are handled one after another, in arrival order: a resident who changes a
   * ballot quickly must have the later one count, and replies keep the order of the commands.
   */
  const chatOrder = new KeyedSerializer();
  wechaty.on('message', (msg) => {
    const key = msg.room()?.id ?? msg.talker()?.id ?? '';
    const p: Promise<void> = chatOrder
      .run(key, () => onMessage(msg))
      .catch((err) => logger.error('wechat message handler failed', { err, messageId: msg.id }))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  });

  const sender: PlatformSender = {
    platform: 'wechat',
    async send(message: OutboundMessage) {
      const text = renderText(await withFileLink(message.text, message.attachment), message.buttons, await pollInfo(message.pollId));
      const messageId = await sendText(message.platformChatId, text);
      return { messageId };
    },
  };
  deps.senders.register(sender);

  return {
    wechaty,
    sender,
    async start() {
      startedAt = Date.now();
      started = true;
      await wechaty.start();
    },
    loggedIn: () => loginPromise,
    async idle() {
      while (inFlight.size > 0 || background.size > 0) await Promise.all([...inFlight, ...background]);
      await queue.idle();
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      await Promise.all([...inFlight]);
      // Give queued replies a moment to go out; the rest are logged as given up.
      await queue.close(Math.max(5000, intervalMs * 3));
      await Promise.all([...background]);
      if (started) await wechaty.stop().catch((err) => logger.warn('wechaty stop failed', { err }));
      logger.info('wechat adapter stopped');
    },
  };
}

/** Starts the adapter with the puppet named in WECHATY_PUPPET; logs in by QR code shown in the terminal. */
export async function startWechat(deps: AppDeps): Promise<Stoppable> {
  const puppet = deps.config.WECHATY_PUPPET;
  if (!puppet) throw new Error('yishi: WECHATY_PUPPET is not set');
  const dir = path.join(deps.config.YISHI_DATA_DIR, 'wechat');
  fs.mkdirSync(dir, { recursive: true });
  const bot = createWechatBot(deps, { puppet: puppet as Puppet, sessionFile: path.join(dir, 'session') });
  await bot.start();
  return bot;
}
