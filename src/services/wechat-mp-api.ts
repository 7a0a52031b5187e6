/**
 * The Official Account's server API (https://api.weixin.qq.com, or WECHAT_MP_API_ROOT): access tokens from
 * `cgi-bin/stable_token`, cached in Redis and shared by every instance (refreshed 5 minutes before they
 * expire, one refresh in flight at a time across instances: a Redis lock), and the calls the adapter and the
 * admin CLI make. A call refused with 40001 / 42001 / 40014 (a bad or expired token) refreshes it once and
 * is tried once more.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import { silentLogger } from '../lib/logger.js';

/** A bad, expired or malformed access token. */
export const TOKEN_ERRORS = new Set([40001, 42001, 40014]);
/** 45015: outside the 48-hour window; 45047: over the number of messages per interaction. */
export const WINDOW_ERRORS = new Set([45015, 45047]);
/** 45009: the daily quota of the API is spent. */
export const QUOTA_ERROR = 45009;

export class MpApiError extends Error {
  constructor(public readonly errcode: number, public readonly errmsg: string, public readonly api: string) {
    super(`wechat-mp ${api}: errcode ${errcode} ${errmsg}`);
    this.name = 'MpApiError';
  }
}

export interface MpApiOptions {
  appId: string;
  appSecret: string;
  apiRoot: string;
  /** Shared token cache; without it (the admin CLI) a token is fetched per process. */
  redis?: Redis;
  logger?: Logger;
  /** How long before its expiry a cached token is replaced (default 300 s). */
  earlyMs?: number;
  timeoutMs?: number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class WechatMpApi {
  private local: CachedToken | undefined;
  private refreshing: Promise<string> | undefined;
  private readonly key: string;
  private readonly logger: Logger;

  constructor(private readonly opts: MpApiOptions) {
    // Keyed by the API root too, so a test's fake never hands its token to another.
    this.key = `yishi:wechat-mp:${opts.appId}:${createHash('sha1').update(opts.apiRoot).digest('hex').slice(0, 8)}:token`;
    this.logger = opts.logger ?? silentLogger;
  }

  /** A valid access token: this process's, else the shared one, else a new one (one refresh at a time). */
  async token(): Promise<string> {
    const now = Date.now();
    if (this.local && this.local.expiresAt > now) return this.local.token;
    const shared = await this.readShared();
    if (shared) return shared;
    return this.refresh(undefined);
  }

  /** Replaces `stale` (refused by the platform) unless another caller or instance already did. */
  refresh(stale: string | undefined): Promise<string> {
    return (this.refreshing ??= this.doRefresh(stale).finally(() => (this.refreshing = undefined)));
  }

  private async readShared(): Promise<string | undefined> {
    if (!this.opts.redis) return undefined;
    const raw = await this.opts.redis.get(this.key).catch(() => null);
    if (!raw) return undefined;
    const cached = JSON.parse(raw) as CachedToken;
    if (cached.expiresAt <= Date.now()) return undefined;
    this.local = cached;
    return cached.token;
  }

  private async doRefresh(stale: string | undefined): Promise<string> {
    if (this.local?.token === stale) this.local = undefined;
    const redis = this.opts.redis;
    if (!redis) return this.fetchToken(stale !== undefined);
    const lock = `${this.key}:lock`;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const shared = await this.readShared();
      if (shared && shared !== stale) return shared;
      if ((await redis.set(lock, String(process.pid), 'PX', 10_000, 'NX')) === 'OK') {
        try {
          // Another instance may have finished its refresh between our read and the lock.
          const again = await this.readShared();
          if (again && again !== stale) return again;
          return await this.fetchToken(stale !== undefined);
        } finally {
          await redis.del(lock).catch(() => undefined);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.fetchToken(stale !== undefined);
  }

  private async fetchToken(force: boolean): Promise<string> {
    const body = await this.raw('cgi-bin/stable_token', { grant_type: 'client_credential', appid: this.opts.appId, secret: this.opts.appSecret, force_refresh: force });
    const token = String(body.access_token ?? '');
    const expiresIn = Number(body.expires_in ?? 7200);
    if (!token) throw new MpApiError(-1, 'no access_token in the answer', 'cgi-bin/stable_token');
    const cached: CachedToken = { token, expiresAt: Date.now() + Math.max(60_000, expiresIn * 1000 - (this.opts.earlyMs ?? 300_000)) };
    this.local = cached;
    if (this.opts.redis) await this.opts.redis.set(this.key, JSON.stringify(cached), 'PX', cached.expiresAt - Date.now()).catch(() => undefined);
    this.logger.info('wechat-mp: access token refreshed', { force, expiresIn });
    return token;
  }

  /** One HTTP call; an errcode other than 0 is an MpApiError. */
  private async raw(api: string, body: unknown, query: Record<string, string> = {}, method: 'GET' | 'POST' = 'POST'): Promise<Record<string, unknown>> {
    const url = new URL(`${this.opts.apiRoot}/${api}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method,
      headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
      body: method === 'POST' ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new Error(`wechat-mp ${api}: HTTP ${res.status}`);
    const json = (await res.json()) as Record<string, unknown>;
    const errcode = Number(json.errcode ?? 0);
    if (errcode !== 0) throw new MpApiError(errcode, String(json.errmsg ?? ''), api);
    return json;
  }

  /** A call with the access token; a refused token is refreshed once and the call tried once more. */
  async call(api: string, body?: unknown, query: Record<string, string> = {}, method: 'GET' | 'POST' = 'POST'): Promise<Record<string, unknown>> {
    const token = await this.token();
    try {
      return await this.raw(api, body, { ...query, access_token: token }, method);
    } catch (err) {
      if (!(err instanceof MpApiError) || !TOKEN_ERRORS.has(err.errcode)) throw err;
      this.logger.warn('wechat-mp: access token refused; refreshing it once', { errcode: err.errcode, api });
      const fresh = await this.refresh(token);
      return this.raw(api, body, { ...query, access_token: fresh }, method);
    }
  }

  /** A customer-service text message (inside the 48-hour window). */
  sendText(openid: string, content: string): Promise<Record<string, unknown>> {
    return this.call('cgi-bin/message/custom/send', { touser: openid, msgtype: 'text', text: { content } });
  }

  /** A template message (outside the window); `data` maps the template's field names to values. */
  sendTemplate(openid: string, templateId: string, data: Record<string, string>, url?: string): Promise<Record<string, unknown>> {
    const fields = Object.fromEntries(Object.entries(data).map(([k, value]) => [k, { value }]));
    return this.call('cgi-bin/message/template/send', { touser: openid, template_id: templateId, ...(url ? { url } : {}), data: fields });
  }

  /** A permanent QR code for `scene` (QR_LIMIT_STR_SCENE, at most 64 characters): its ticket and the URL it encodes. */
  async permanentQrCode(scene: string): Promise<{ ticket: string; url: string; imageUrl: string }> {
    const r = await this.call('cgi-bin/qrcode/create', { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: scene } } });
    const ticket = String(r.ticket ?? '');
    return { ticket, url: String(r.url ?? ''), imageUrl: this.qrImageUrl(ticket) };
  }

  /** Where the picture of a ticket is (mp.weixin.qq.com's showqrcode; the fake's when the API root is not WeChat's). */
  qrImageUrl(ticket: string): string {
    const root = this.opts.apiRoot === 'https://api.weixin.qq.com' ? 'https://mp.weixin.qq.com' : this.opts.apiRoot;
    return `${root}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`;
  }

  createMenu(menu: unknown): Promise<Record<string, unknown>> {
    return this.call('cgi-bin/menu/create', menu);
  }

  /** The openid behind a web-authorisation code (single use). */
  async oauthOpenid(code: string): Promise<string> {
    const r = await this.raw('sns/oauth2/access_token', undefined, { appid: this.opts.appId, secret: this.opts.appSecret, code, grant_type: 'authorization_code' }, 'GET');
    return String(r.openid ?? '');
  }
}
