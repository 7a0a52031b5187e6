/**
 * The WeCom adapter on the official smart-bot SDK: messages and card presses in over the long
 * connection, replies and card updates back on it, and the 'wecom' sender for the jobs' send queue.
 * Built from its dependencies, so tests build the same bot against a fake WeCom server (wsUrl).
 */
import type { AppDeps, Stoppable } from '../../src/core/app-types.js';
import { KeyedSerializer } from '../../src/lib/keyed-serializer.js';
import type { PlatformSender } from '../../src/messaging/port.js';
import { WecomChannel } from './channel.js';
import { chatOf, type Frame, type WecomEnv } from './env.js';
import { describe } from './errors.js';
import { onMessage } from './features/messages.js';
import { onPress } from './features/presses.js';
import { onEnterChat } from './features/welcome.js';
import { LaterSends, wecomSender } from './sender.js';

export interface WecomBotOptions {
  /** Default: WECOM_BOT_ID / WECOM_BOT_SECRET / WECOM_WS_URL. */
  botId?: string;
  secret?: string;
  wsUrl?: string;
  /** First reconnect delay (SDK: 1000 ms, doubling to 30 s). */
  reconnectBaseMs?: number;
  heartbeatMs?: number;
  /** How long start() waits for the first login before going on in the background (default 15 s). */
  startTimeoutMs?: number;
  /** How long a rate-limited send waits (default 60 s: WeCom names no retry time, its windows are per minute). */
  rateLimitWaitMs?: number;
  /** Register the sender in deps.senders (default true). */
  registerSender?: boolean;
  /** Retries of the adapter's own later sends (default 5) and how long each waits for a reconnect (default 60 s). */
  later?: { attempts?: number; waitMs?: number };
}

export interface WecomBot extends Stoppable {
  channel: WecomChannel;
  sender: PlatformSender;
  start(): Promise<void>;
  /** Resolves when every callback received so far is handled and its replies are sent (tests). */
  idle(): Promise<void>;
}

export function createWecomBot(deps: AppDeps, opts: WecomBotOptions = {}): WecomBot {
  const logger = deps.logger.child({ adapter: 'wecom' });
  const botId = opts.botId ?? deps.config.WECOM_BOT_ID;
  const secret = opts.secret ?? deps.config.WECOM_BOT_SECRET;
  if (!botId || !secret) throw new Error('yishi: WECOM_BOT_ID and WECOM_BOT_SECRET are not set');
  const channel = new WecomChannel({ botId, secret, wsUrl: opts.wsUrl ?? deps.config.WECOM_WS_URL, reconnectBaseMs: opts.reconnectBaseMs, heartbeatMs: opts.heartbeatMs, logger });
  const later = new LaterSends(channel, logger, opts.later);
  const env: WecomEnv = { channel, core: deps.core, logger, later };
  const sender = wecomSender(channel, logger.child({ part: 'sender' }), { rateLimitWaitMs: opts.rateLimitWaitMs, fileLink: deps.core.attachmentLink && ((a) => deps.core.attachmentLink!(a)) });

  // One chat's messages in arrival order; presses ordered per presser, so a whole group voting is not serialized.
  const order = new KeyedSerializer();
  let stopping = false;
  const run = (key: string, what: string, frame: Frame, work: (env: WecomEnv, frame: Frame) => Promise<void>) => {
    if (stopping) return;
    void order.run(key, () => work(env, frame)).catch((err) => logger.error(`wecom: a ${what} was not handled`, { msgid: frame.body?.msgid, ...describe(err) }));
  };
  const client = channel.client;
  client.on('message', (f) => {
    const frame = f as unknown as Frame;
    if (frame.body?.from) run(chatOf(frame.body).platformChatId, 'message', frame, onMessage);
  });
  client.on('event.template_card_event', (f) => {
    const frame = f as unknown as Frame;
    if (frame.body?.from) run(`${chatOf(frame.body).platformChatId}:${frame.body.from.userid}`, 'card press', frame, onPress);
  });
  client.on('event.enter_chat', (f) => {
    const frame = f as unknown as Frame;
    if (frame.body?.from) run(chatOf(frame.body).platformChatId, 'welcome', frame, onEnterChat);
  });

  let started = false;
  return {
    channel,
    sender,
    async start() {
      if (started) return;
      started = true;
      if (opts.registerSender !== false) deps.senders.register(sender);
      await channel.start(opts.startTimeoutMs);
      logger.info('wecom adapter started', { connected: channel.isUp });
    },
    async idle() {
      await order.idle();
      await later.idle();
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      // Handlers under way finish (their replies included) before the socket closes.
      await Promise.race([order.idle().then(() => later.idle()), new Promise((r) => setTimeout(r, 5000))]);
      later.close();
      channel.stop();
      logger.info('wecom adapter stopped');
    },
  };
}
