/**
 * The WeChat Official Account adapter (platform 'wechat-mp', user id = openid): the callback (a Hono app
 * the web port mounts at /wechat-mp), answers within 5 s, the 'wechat-mp' sender of the send queue, and
 * the fan-out of a community's messages (votes, ratings, results) to its followers. Built from its dependencies, so tests build
 * the same adapter against the fake platform (test/support/fake-wechat-mp.ts).
 */
import { Redis } from 'ioredis';
import type { Hono } from 'hono';
import type { AppDeps, Stoppable } from '../../src/core/app-types.js';
import type { Reply } from '../../src/kernel/types.js';
import type { PlatformSender } from '../../src/messaging/port.js';
import { MP } from '../../src/people/mp-followers.js';
import { MpApiError, WechatMpApi } from '../../src/services/wechat-mp-api.js';
import { Answers } from './answers.js';
import { callbackApp } from './callback.js';
import { WechatCrypto } from './crypto.js';
import { handleMessage, updateKeyOf } from './handle.js';
import { wechatMpSender } from './sender.js';
import { renderText, splitBytes } from './text.js';

export interface WechatMpBotOptions {
  /** How long a callback waits for its answer before saying `success` (default 4500 ms: WeChat waits 5 s). */
  deadlineMs?: number;
  /** The first wait after a 45009 (default 30 s). */
  quotaWaitMs?: number;
  /** Register the sender in deps.senders (default true). */
  registerSender?: boolean;
  /** Mount the callback on deps.web (default true when the app serves the web port). */
  mount?: boolean;
}

export interface WechatMpBot extends Stoppable {
  /** The callback's routes (GET/POST /wechat-mp). */
  app: Hono;
  api: WechatMpApi;
  sender: PlatformSender;
  start(): Promise<void>;
  /** Resolves when every answer under way and every notice is written and sent (tests). */
  idle(): Promise<void>;
}

export function createWechatMpBot(deps: AppDeps, opts: WechatMpBotOptions = {}): WechatMpBot {
  const c = deps.config;
  if (!c.WECHAT_MP_APP_ID || !c.WECHAT_MP_APP_SECRET || !c.WECHAT_MP_TOKEN) throw new Error('yishi: WECHAT_MP_APP_ID, WECHAT_MP_APP_SECRET and WECHAT_MP_TOKEN are not set');
  const logger = deps.logger.child({ adapter: 'wechat-mp' });
  const db = deps.database.db;
  const now = () => new Date();
  const redis = new Redis(deps.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', (err) => logger.debug('wechat-mp: redis error', { err: err.message }));
  const api = new WechatMpApi({ appId: c.WECHAT_MP_APP_ID, appSecret: c.WECHAT_MP_APP_SECRET, apiRoot: c.WECHAT_MP_API_ROOT, redis, logger });
  const crypto = c.WECHAT_MP_AES_KEY ? new WechatCrypto(c.WECHAT_MP_TOKEN, c.WECHAT_MP_AES_KEY, c.WECHAT_MP_APP_ID) : undefined;
  const pageUrl = c.YISHI_WEB_URL ? `${c.YISHI_WEB_URL}/v` : undefined;
  const sender = wechatMpSender({ db, api, core: deps.core, logger: logger.child({ part: 'sender' }), tz: c.YISHI_TZ, templateId: c.WECHAT_MP_TEMPLATE_ID, pageUrl, quotaWaitMs: opts.quotaWaitMs });

  const render = async (reply: Reply): Promise<string[]> => {
    const poll = reply.pollId !== undefined ? await deps.core.query.pollInfo(reply.pollId).catch(() => undefined) : undefined;
    // The account's text takes no file: a result picture or a notice goes as a signed link after the text.
    const link = reply.attachment && deps.core.attachmentLink ? await deps.core.attachmentLink(reply.attachment).catch(() => undefined) : undefined;
    return splitBytes(renderText(link ? `${reply.text}\n${link}` : reply.text, reply.buttons, poll));
  };
  const sendReplies = async (openid: string, replies: Reply[]) => {
    for (const reply of replies)
      for (const part of await render(reply)) {
        try {
          await api.sendText(openid, part);
        } catch (err) {
          logger.warn('wechat-mp: a customer-service answer was refused', { errcode: err instanceof MpApiError ? err.errcode : undefined, err: (err as Error).message });
          return;
        }
      }
  };
  const answers = new Answers({ db, logger, deadlineMs: opts.deadlineMs ?? 4500, send: sendReplies, now });

  const app = callbackApp({
    token: c.WECHAT_MP_TOKEN,
    crypto,
    logger,
    render,
    later: (openid, replies) => void answers.sendLater(openid, replies),
    answer: async (m, signal) => {
      const key = updateKeyOf(m);
      if (!key) return null;
      return answers.answer(key, m.FromUserName!, () => handleMessage({ db, core: deps.core, now }, m, key), signal);
    },
  });

  // Votes, ratings and their results reach followers through their community's chat rows (`c:<id>`): the
  // core posts them there in the transaction that opened or closed the poll (src/consultation/poll-posts.ts),
  // and the sender fans each out to the followers.
  let started = false;

  return {
    app,
    api,
    sender,
    async start() {
      if (started) return;
      started = true;
      if (opts.registerSender !== false) deps.senders.register(sender);
      if (opts.mount !== false) deps.web?.mount('/wechat-mp', (req) => app.fetch(req));
      // Answers a killed process kept but never sent (its customer-service messages).
      const at = Date.now();
      const kept = await deps.core.claimUndeliveredReplies(MP, { since: new Date(at - 10 * 60_000), before: new Date(at - 30_000) }).catch(() => []);
      for (const k of kept) {
        const openid = typeof k.delivery.openid === 'string' ? k.delivery.openid : undefined;
        if (openid) void answers.sendLater(openid, k.replies);
      }
      logger.info('wechat-mp adapter started', { safeMode: !!crypto, template: !!c.WECHAT_MP_TEMPLATE_ID });
    },
    async idle() {
      await answers.idle();
    },
    async stop() {
      deps.web?.unmount('/wechat-mp');
      await Promise.race([this.idle(), new Promise((r) => setTimeout(r, 5000))]);
      redis.disconnect();
      logger.info('wechat-mp adapter stopped');
    },
  };
}
