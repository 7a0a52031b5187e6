/**
 * A local fake of the WeChat Official Account platform, at its wire boundary:
 * - the API (WECHAT_MP_API_ROOT): cgi-bin/stable_token, message/custom/send, message/template/send,
 *   qrcode/create, showqrcode (a PNG), menu/create, sns/oauth2/access_token, the web authorisation's
 *   connect/oauth2/authorize page (back to redirect_uri with a code for `browserUser`); errcodes injected per call
 *   or per follower; only the newest access token is valid (40001 for another, 42001 after expireToken());
 * - a callback client that signs (signature, and msg_signature in safe mode), encrypts, waits at most
 *   `timeoutMs` (WeChat: 5 s) for each try, then gives up on it and tries again with the same message:
 *   three tries in all, like WeChat.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sha1Sorted, WechatCrypto } from '../../bots/wechat-mp/crypto.js';
import { buildXml, parseXml, type XmlFields } from '../../bots/wechat-mp/xml.js';

export const MP_APP_ID = 'wx1234567890abcdef';
export const MP_SECRET = 'fakesecret0123456789abcdef';
export const MP_TOKEN = 'yishiMpToken';
export const MP_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const MP_GH_ID = 'gh_0123456789ab';

/** A 1×1 PNG for showqrcode. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

export interface ApiCall {
  api: string;
  query: Record<string, string>;
  body: any;
  errcode: number;
}

export interface Delivery {
  /** HTTP status of the answered try (0: no try answered in time). */
  status: number;
  body: string;
  /** The passive reply's fields (decrypted in safe mode), when there was one. */
  reply?: XmlFields;
  tries: number;
}

export class FakeWechatMp {
  readonly calls: ApiCall[] = [];
  /** Customer-service texts that went out: [openid, text]. */
  readonly texts: { openid: string; text: string }[] = [];
  readonly templates: { openid: string; templateId: string; data: Record<string, { value: string }>; url?: string }[] = [];
  readonly menus: unknown[] = [];
  readonly qrcodes: string[] = [];
  tokenFetches = 0;
  private token = '';
  private tokenSerial = 0;
  private readonly codes = new Map<string, string>();
  private readonly failures: { api: string; errcode: number; openid?: string; times: number }[] = [];
  private msgId = 7_300_000_000_000_000_000n;
  private expireAfter: number | undefined;

  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(port = 0): Promise<FakeWechatMp> {
    let fake!: FakeWechatMp;
    const server = http.createServer((req, res) => void fake.serve(req, res));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    fake = new FakeWechatMp(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  /** The next `times` calls of `api` (to `openid`, if given) fail with `errcode`. */
  fail(api: string, errcode: number, opts: { openid?: string; times?: number } = {}): void {
    this.failures.push({ api, errcode, openid: opts.openid, times: opts.times ?? 1 });
  }

  /** The current token stops working (42001), as when it expires early. */
  expireToken(): void {
    this.token = `expired-${this.token}`;
  }

  /** The token expires (42001) after `n` more customer-service messages went out: mid-broadcast. */
  expireTokenAfter(n: number): void {
    this.expireAfter = n;
  }

  /** Who is using WeChat's browser: the openid its authorize page names (connect/oauth2/authorize). */
  browserUser = 'oBrowser';
  /** The queries of every authorize redirect (what the app asked for). */
  readonly authorizations: Record<string, string>[] = [];

  /** A web-authorisation code for `openid` (single use). */
  issueCode(openid: string): string {
    const code = randomBytes(8).toString('hex');
    this.codes.set(code, openid);
    return code;
  }

  textsTo(openid: string): string[] {
    return this.texts.filter((t) => t.openid === openid).map((t) => t.text);
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const api = url.pathname.replace(/^\/+/, '');
    const query = Object.fromEntries(url.searchParams);
    // WeChat's authorize page (WECHAT_MP_OAUTH_ROOT): snsapi_base asks nothing; back to redirect_uri with a code and the state.
    if (api === 'connect/oauth2/authorize') {
      this.authorizations.push(query);
      if (query.appid !== MP_APP_ID || query.scope !== 'snsapi_base' || query.response_type !== 'code' || !query.redirect_uri) return void res.writeHead(400).end('bad authorize request');
      const back = new URL(query.redirect_uri);
      back.searchParams.set('code', this.issueCode(this.browserUser));
      back.searchParams.set('state', query.state ?? '');
      return void res.writeHead(302, { location: back.toString() }).end();
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const json = (o: Record<string, unknown>) => {
      const errcode = Number(o.errcode ?? 0);
      this.calls.push({ api, query, body, errcode });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', ...o }));
    };
    if (api === 'cgi-bin/showqrcode') {
      if (!this.qrcodes.includes(query.ticket ?? '')) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/png' });
      return void res.end(PNG);
    }
    if (api === 'cgi-bin/stable_token') {
      if (body?.appid !== MP_APP_ID || body?.secret !== MP_SECRET) return json({ errcode: 40125, errmsg: 'invalid appsecret' });
      this.tokenFetches++;
      if (!this.token || this.token.startsWith('expired-') || body.force_refresh) this.token = `tok-${++this.tokenSerial}-${randomBytes(4).toString('hex')}`;
      return json({ access_token: this.token, expires_in: 7200 });
    }
    if (api === 'sns/oauth2/access_token') {
      const openid = this.codes.get(query.code ?? '');
      if (!openid || query.appid !== MP_APP_ID || query.secret !== MP_SECRET) return json({ errcode: 40029, errmsg: 'invalid code' });
      this.codes.delete(query.code!);
      return json({ access_token: 'web-token', expires_in: 7200, openid, scope: 'snsapi_base' });
    }
    if (query.access_token !== this.token) return json({ errcode: query.access_token?.startsWith('tok-') && this.token.startsWith('expired-') ? 42001 : 40001, errmsg: 'invalid credential' });
    const openid: string | undefined = body?.touser;
    const failure = this.failures.find((f) => f.api === api && f.times > 0 && (!f.openid || f.openid === openid));
    if (failure) {
      failure.times--;
      return json({ errcode: failure.errcode, errmsg: `injected ${failure.errcode}` });
    }
    switch (api) {
      case 'cgi-bin/message/custom/send':
        if (body?.msgtype !== 'text' || typeof body?.text?.content !== 'string') return json({ errcode: 40008, errmsg: 'invalid message type' });
        this.texts.push({ openid: openid!, text: body.text.content });
        if (this.expireAfter !== undefined && --this.expireAfter <= 0) {
          this.expireAfter = undefined;
          this.expireToken();
        }
        return json({});
      case 'cgi-bin/message/template/send':
        this.templates.push({ openid: openid!, templateId: body.template_id, data: body.data, url: body.url });
        return json({ msgid: this.templates.length });
      case 'cgi-bin/qrcode/create': {
        const scene = body?.action_info?.scene?.scene_str;
        if (body?.action_name !== 'QR_LIMIT_STR_SCENE' || typeof scene !== 'string' || scene.length > 64) return json({ errcode: 40013, errmsg: 'invalid scene' });
        const ticket = `ticket-${Buffer.from(scene).toString('hex')}`;
        this.qrcodes.push(ticket);
        return json({ ticket, url: `http://weixin.qq.com/q/${Buffer.from(scene).toString('base64url')}` });
      }
      case 'cgi-bin/menu/create':
        this.menus.push(body);
        return json({});
      default:
        return json({ errcode: 40066, errmsg: 'invalid url' });
    }
  }

  // ---- the callback client ---------------------------------------------------------------------

  /** A text message's fields (a new MsgId each time). */
  text(openid: string, content: string): XmlFields {
    return { ToUserName: MP_GH_ID, FromUserName: openid, CreateTime: String(Math.floor(Date.now() / 1000)), MsgType: 'text', Content: content, MsgId: String(++this.msgId) };
  }

  event(openid: string, event: string, eventKey = '', createTime = Math.floor(Date.now() / 1000)): XmlFields {
    return { ToUserName: MP_GH_ID, FromUserName: openid, CreateTime: String(createTime), MsgType: 'event', Event: event, ...(eventKey ? { EventKey: eventKey } : {}) };
  }

  other(openid: string, msgType: string): XmlFields {
    return { ToUserName: MP_GH_ID, FromUserName: openid, CreateTime: String(Math.floor(Date.now() / 1000)), MsgType: msgType, MediaId: 'media-1', MsgId: String(++this.msgId) };
  }

  /**
   * Delivers `fields` to the callback as WeChat does: signed, encrypted when `safe`, each try given up
   * after `timeoutMs`, three tries in all (`targets` picks the URL of each try: a round-robin proxy).
   */
  async deliver(targets: string | ((attempt: number) => string), fields: XmlFields, opts: { safe?: boolean; timeoutMs?: number; tries?: number; forge?: boolean; timestamp?: number } = {}): Promise<Delivery> {
    const tries = opts.tries ?? 3;
    const target = typeof targets === 'string' ? () => targets : targets;
    const crypto = new WechatCrypto(MP_TOKEN, MP_AES_KEY, MP_APP_ID);
    for (let attempt = 1; attempt <= tries; attempt++) {
      // Signed with `timestamp` (seconds) when given: a request replayed later, or a clock far off.
      const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
      const nonce = String(Math.floor(Math.random() * 1e9));
      const xml = buildXml(fields);
      const q = new URLSearchParams({ signature: sha1Sorted([opts.forge ? 'not-the-token' : MP_TOKEN, timestamp, nonce]), timestamp, nonce, openid: fields.FromUserName ?? '' });
      let body = xml;
      if (opts.safe) {
        const encrypted = crypto.encrypt(xml);
        q.set('encrypt_type', 'aes');
        q.set('msg_signature', sha1Sorted([opts.forge ? 'not-the-token' : MP_TOKEN, timestamp, nonce, encrypted]));
        body = buildXml({ ToUserName: MP_GH_ID, Encrypt: encrypted });
      }
      try {
        const res = await fetch(`${target(attempt)}/wechat-mp?${q}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' }, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
        const text = await res.text();
        if (res.status !== 200) return { status: res.status, body: text, tries: attempt };
        let reply: XmlFields | undefined;
        if (text && text !== 'success') {
          reply = parseXml(text);
          if (opts.safe && reply?.Encrypt) {
            if (sha1Sorted([MP_TOKEN, reply.TimeStamp ?? '', reply.Nonce ?? '', reply.Encrypt]) !== reply.MsgSignature) throw new Error('the passive reply is signed wrongly');
            reply = parseXml(crypto.decrypt(reply.Encrypt));
          }
        }
        return { status: 200, body: text, reply, tries: attempt };
      } catch (err) {
        if ((err as Error).name !== 'TimeoutError' && (err as Error).name !== 'AbortError') throw err;
        // No answer within the time: WeChat tries again with the same message.
      }
    }
    return { status: 0, body: '', tries };
  }

  /** GET verification as the admin console does it. */
  async verify(target: string, echostr: string, forge = false): Promise<{ status: number; body: string }> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '12345';
    const q = new URLSearchParams({ signature: sha1Sorted([forge ? 'nope' : MP_TOKEN, timestamp, nonce]), timestamp, nonce, echostr });
    const res = await fetch(`${target}/wechat-mp?${q}`);
    return { status: res.status, body: await res.text() };
  }

  async waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}
