/**
 * The callback at `<YISHI_WEB_URL>/wechat-mp` (a Hono app mounted on the web port): GET answers WeChat's
 * verification, POST takes a message in plaintext or safe mode. A bad signature is 403 and changes nothing,
 * and so is a POST whose signed timestamp is more than 5 minutes from now (a replayed request: WeChat's own
 * retries come within about 15 s); a body over 64 KiB is 413. The answer is the passive XML reply (encrypted in safe mode) or `success`.
 */
import { Hono } from 'hono';
import type { Reply } from '../../src/kernel/types.js';
import type { Logger } from '../../src/lib/logger.js';
import { checkSignature, type WechatCrypto } from './crypto.js';
import { buildXml, parseXml, type XmlFields } from './xml.js';

export const MAX_BODY_BYTES = 64 * 1024;
/** How far a POST's signed timestamp may be from now, either way. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

export interface CallbackEnv {
  token: string;
  crypto?: WechatCrypto;
  logger: Logger;
  /** The passive replies for a message (null: `success`); the first is the passive reply, the rest go later. */
  answer(message: XmlFields, signal: AbortSignal): Promise<Reply[] | null>;
  /** A reply as the text the account sends. */
  render(reply: Reply): Promise<string[]>;
  /** Replies sent as customer-service messages after the passive one. */
  later(openid: string, replies: Reply[]): void;
  /** The clock the replay window is measured on (milliseconds; default Date.now). */
  nowMs?: () => number;
}

/** Whether a signed timestamp (seconds) is within the replay window of `nowMs`. */
export function withinReplayWindow(timestamp: string | undefined, nowMs: number): boolean {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowMs - Number(timestamp) * 1000) <= REPLAY_WINDOW_MS;
}

async function readLimited(req: Request, max: number): Promise<string | undefined> {
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > max) return undefined;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

export function callbackApp(env: CallbackEnv): Hono {
  const app = new Hono();

  app.get('/wechat-mp', (c) => {
    const q = c.req.query();
    if (!checkSignature(env.token, q)) return c.text('forbidden', 403);
    return c.text(q.echostr ?? '');
  });

  app.post('/wechat-mp', async (c) => {
    const q = c.req.query();
    if (!checkSignature(env.token, q)) {
      env.logger.warn('wechat-mp: a callback with a wrong signature was refused');
      return c.text('forbidden', 403);
    }
    if (!withinReplayWindow(q.timestamp, (env.nowMs ?? Date.now)())) {
      env.logger.warn('wechat-mp: a signed callback outside the replay window was refused', { timestamp: q.timestamp });
      return c.text('forbidden', 403);
    }
    const body = await readLimited(c.req.raw, MAX_BODY_BYTES);
    if (body === undefined) return c.text('too large', 413);
    let fields = parseXml(body);
    if (!fields) return c.text('bad request', 400);
    const safe = q.encrypt_type === 'aes';
    if (safe) {
      if (!env.crypto) return c.text('safe mode needs WECHAT_MP_AES_KEY', 400);
      const encrypted = fields.Encrypt ?? '';
      if (!env.crypto.checkMsgSignature(q.msg_signature, q.timestamp, q.nonce, encrypted)) {
        env.logger.warn('wechat-mp: a callback with a wrong msg_signature was refused');
        return c.text('forbidden', 403);
      }
      let inner: XmlFields | undefined;
      try {
        inner = parseXml(env.crypto.decrypt(encrypted));
      } catch {
        inner = undefined;
      }
      if (!inner) return c.text('forbidden', 403);
      fields = inner;
    }
    if (!fields.FromUserName || !fields.ToUserName || !fields.MsgType) return c.text('bad request', 400);
    const replies = await env.answer(fields, c.req.raw.signal);
    if (!replies?.length) return c.text('success');
    const [first, ...rest] = replies;
    const [text = '', ...more] = await env.render(first!);
    if (more.length || rest.length) env.later(fields.FromUserName, [...more.map((t) => ({ text: t })), ...rest]);
    const xml = buildXml({ ToUserName: fields.FromUserName, FromUserName: fields.ToUserName, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: text });
    if (!safe || !env.crypto) return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' });
    const timestamp = q.timestamp ?? String(Math.floor(Date.now() / 1000));
    const nonce = q.nonce ?? '';
    const encrypted = env.crypto.encrypt(xml);
    const wrapped = buildXml({ Encrypt: encrypted, MsgSignature: env.crypto.signature(timestamp, nonce, encrypted), TimeStamp: Number(timestamp), Nonce: nonce });
    return c.body(wrapped, 200, { 'content-type': 'application/xml; charset=utf-8' });
  });

  return app;
}
