/**
 * The long connection to WeCom (the official SDK's WSClient): connects, authenticates, reconnects with
 * the SDK's backoff (1 s doubling to 30 s, without end), and tells who waits whether it is up.
 */
import { WSClient, type WsFrame, type SendMsgBody } from '@wecom/aibot-node-sdk';
import type { Logger } from '../../src/lib/logger.js';

export interface ChannelOptions {
  botId: string;
  secret: string;
  /** Default: the SDK's (wss://openws.work.weixin.qq.com). */
  wsUrl?: string;
  /** First reconnect delay, doubled per attempt up to 30 s (SDK default 1000 ms). */
  reconnectBaseMs?: number;
  /** Heartbeat interval (SDK default 30 s; two missed acks count as a dead connection). */
  heartbeatMs?: number;
  logger: Logger;
}

export class WecomChannel {
  readonly client: WSClient;
  private up = false;
  private waiters = new Set<() => void>();
  private authFailure: string | undefined;
  private stopped = false;

  constructor(private readonly opts: ChannelOptions) {
    const log = opts.logger;
    const line = (args: unknown[]) => (args.length ? { detail: args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ') } : undefined);
    this.client = new WSClient({
      botId: opts.botId,
      secret: opts.secret,
      wsUrl: opts.wsUrl,
      reconnectInterval: opts.reconnectBaseMs ?? 1000,
      heartbeatInterval: opts.heartbeatMs ?? 30_000,
      // A residents' bot must come back after any outage, however long.
      maxReconnectAttempts: -1,
      logger: {
        debug: (m: string, ...a: unknown[]) => log.debug(`wecom sdk: ${m}`, line(a)),
        info: (m: string, ...a: unknown[]) => log.debug(`wecom sdk: ${m}`, line(a)),
        warn: (m: string, ...a: unknown[]) => log.warn(`wecom sdk: ${m}`, line(a)),
        error: (m: string, ...a: unknown[]) => log.error(`wecom sdk: ${m}`, line(a)),
      },
    });
    this.client.on('authenticated', () => {
      this.up = true;
      this.authFailure = undefined;
      log.info('wecom connected');
      for (const w of this.waiters) w();
    });
    this.client.on('disconnected', (reason) => {
      if (this.up && !this.stopped) log.warn('wecom disconnected; reconnecting', { reason });
      this.up = false;
    });
    this.client.on('error', (err) => {
      if (/Authentication failed/i.test(err.message)) this.authFailure = err.message;
      for (const w of this.waiters) w();
    });
    this.client.on('event.disconnected_event', () => {
      // WeCom keeps one connection per bot: a newer one (another instance) took over, and the SDK stops.
      log.error('wecom: another connection with this bot id took over; this instance no longer receives messages');
    });
  }

  get isUp(): boolean {
    return this.up && this.client.isConnected;
  }

  /** Connects and waits for the first authentication; a refused bot id or secret is one clear error. */
  async start(timeoutMs = 15_000): Promise<void> {
    this.client.connect();
    const deadline = Date.now() + timeoutMs;
    while (!this.isUp) {
      if (this.authFailure) throw new Error(`yishi: WeCom refused WECOM_BOT_ID/WECOM_BOT_SECRET (${this.authFailure})`);
      if (Date.now() >= deadline) {
        this.opts.logger.warn('wecom: not connected yet; still trying in the background', { url: this.opts.wsUrl ?? 'default' });
        return;
      }
      await this.waitChange(deadline - Date.now());
    }
  }

  /** Resolves true once connected and authenticated, false when `timeoutMs` passes first. */
  async ready(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isUp) {
      if (this.stopped || Date.now() >= deadline) return false;
      await this.waitChange(Math.min(250, deadline - Date.now()));
    }
    return true;
  }

  private waitChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  /** A proactive message to a chat (group chatid, or a userid for a direct chat). */
  sendMessage(chatId: string, body: SendMsgBody): Promise<WsFrame> {
    return this.client.sendMessage(chatId, body);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const w of this.waiters) w();
    try {
      this.client.disconnect();
    } catch {
      // never connected
    }
  }
}
