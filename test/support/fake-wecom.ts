/**
 * A fake WeCom smart-bot long-connection server at the wire, built from the SDK's frames (its ws.ts and
 * message-handler.ts): JSON `{cmd, headers: {req_id}, body}`; `aibot_subscribe` logs in, `ping` keeps
 * alive, `aibot_msg_callback` / `aibot_event_callback` carry messages and card presses to the bot, and
 * every `aibot_respond_msg` / `aibot_respond_update_msg` / `aibot_respond_welcome_msg` / `aibot_send_msg`
 * is acknowledged on its req_id with `{errcode, errmsg}`. Tests script failures and dropped sockets.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface BotFrame {
  cmd: string;
  reqId: string;
  body: any;
  at: number;
  /** The errcode the fake answered with (0 = accepted and delivered). */
  errcode: number;
}

export interface WecomUser {
  userid: string;
  corpid?: string;
}

export interface FakeWecomOptions {
  botId?: string;
  secret?: string;
  /** Default 0: a free port. */
  port?: number;
}

const REPLY_CMDS = new Set(['aibot_respond_msg', 'aibot_respond_update_msg', 'aibot_respond_welcome_msg', 'aibot_send_msg']);

export class FakeWecom {
  readonly frames: BotFrame[] = [];
  /** Logins accepted so far (a reconnect adds one). */
  logins = 0;
  private readonly server: WebSocketServer;
  private socket: WebSocket | undefined;
  private readonly failures: { cmd: string; errcode: number; errmsg: string; left: number }[] = [];
  /** While set, frames of these commands are swallowed: neither acknowledged nor delivered (a dying socket). */
  private swallow = new Set<string>();
  private seq = 0;

  private constructor(server: WebSocketServer, readonly opts: { botId: string; secret: string }) {
    this.server = server;
    server.on('connection', (ws) => this.accept(ws));
  }

  static async start(opts: FakeWecomOptions = {}): Promise<FakeWecom> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: opts.port ?? 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeWecom(server, { botId: opts.botId ?? 'bot-yishi', secret: opts.secret ?? 'secret-yishi' });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get connected(): boolean {
    return this.socket?.readyState === 1;
  }

  /** While true, every new connection is cut at once (WeCom unreachable); the bot keeps retrying. */
  refusing = false;

  private accept(ws: WebSocket): void {
    if (this.refusing) {
      ws.terminate();
      return;
    }
    ws.on('message', (data) => {
      let frame: { cmd?: string; headers?: { req_id?: string }; body?: any };
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      const reqId = frame.headers?.req_id ?? '';
      const ack = (errcode: number, errmsg = errcode ? 'error' : 'ok') => ws.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg }));
      if (frame.cmd === 'aibot_subscribe') {
        if (frame.body?.bot_id !== this.opts.botId || frame.body?.secret !== this.opts.secret) return ack(40001, 'invalid secret');
        this.socket?.terminate();
        this.socket = ws;
        this.logins++;
        return ack(0);
      }
      if (ws !== this.socket) return;
      if (frame.cmd === 'ping') return ack(0);
      if (!frame.cmd || !REPLY_CMDS.has(frame.cmd)) return ack(40058, 'unknown cmd');
      if (this.swallow.has(frame.cmd)) return;
      const failure = this.failures.find((f) => f.cmd === frame.cmd && f.left > 0);
      const errcode = failure ? failure.errcode : 0;
      if (failure) failure.left--;
      this.frames.push({ cmd: frame.cmd, reqId, body: frame.body, at: Date.now(), errcode });
      ack(errcode, failure?.errmsg);
    });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = undefined;
    });
  }

  private push(cmd: 'aibot_msg_callback' | 'aibot_event_callback', body: object, reqId = `req-${++this.seq}-${randomBytes(3).toString('hex')}`): string {
    if (!this.socket || this.socket.readyState !== 1) throw new Error('fake wecom: the bot is not connected');
    this.socket.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }));
    return reqId;
  }

  private base(user: WecomUser, chatId: string | undefined, msgid?: string) {
    return {
      msgid: msgid ?? `msg-${++this.seq}-${randomBytes(4).toString('hex')}`,
      aibotid: this.opts.botId,
      ...(chatId ? { chatid: chatId, chattype: 'group' } : { chattype: 'single' }),
      from: user.corpid ? { userid: user.userid, corpid: user.corpid } : { userid: user.userid },
      create_time: Math.floor(Date.now() / 1000),
    };
  }

  /** `user` writes `content` in the group `chatId`, or to the bot directly when chatId is undefined. */
  text(user: WecomUser, content: string, chatId?: string, msgid?: string): { reqId: string; body: any } {
    const body = { ...this.base(user, chatId, msgid), msgtype: 'text', text: { content } };
    return { reqId: this.push('aibot_msg_callback', body), body };
  }

  /** `user` presses the button `key` of the card `taskId`, as WeCom's docs put it (under template_card_event). */
  press(user: WecomUser, chatId: string | undefined, key: string, taskId: string, msgid?: string): { reqId: string; body: any } {
    const body = {
      ...this.base(user, chatId, msgid),
      msgtype: 'event',
      event: { eventtype: 'template_card_event', template_card_event: { card_type: 'button_interaction', event_key: key, task_id: taskId } },
    };
    return { reqId: this.push('aibot_event_callback', body), body };
  }

  /** `user` opens the direct chat with the bot. */
  enterChat(user: WecomUser): { reqId: string; body: any } {
    const body = { ...this.base(user, undefined), msgtype: 'event', event: { eventtype: 'enter_chat' } };
    return { reqId: this.push('aibot_event_callback', body), body };
  }

  /** WeCom delivers an earlier callback again (same msgid, new req_id), as after a reconnect. */
  redeliver(earlier: { body: any }): { reqId: string; body: any } {
    return { reqId: this.push(earlier.body.msgtype === 'event' ? 'aibot_event_callback' : 'aibot_msg_callback', earlier.body), body: earlier.body };
  }

  /** The next `count` frames of `cmd` are refused with `errcode` (e.g. 45009, too many calls). */
  failNext(cmd: string, errcode: number, count = 1, errmsg = 'api freq out of limit'): void {
    this.failures.push({ cmd, errcode, errmsg, left: count });
  }

  /** Frames of these commands are neither delivered nor acknowledged until `swallowNone()`. */
  swallowFrames(...cmds: string[]): void {
    this.swallow = new Set(cmds);
  }

  swallowNone(): void {
    this.swallow.clear();
  }

  /** Cuts the connection abruptly (the bot's SDK reconnects with backoff). */
  drop(): void {
    this.socket?.terminate();
    this.socket = undefined;
  }

  /** Delivered frames (errcode 0) of a command, optionally only those on one req_id. */
  delivered(cmd?: string, reqId?: string): BotFrame[] {
    return this.frames.filter((f) => f.errcode === 0 && (!cmd || f.cmd === cmd) && (!reqId || f.reqId === reqId));
  }

  async waitFor<T>(check: () => T, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v as NonNullable<T>;
      if (Date.now() > deadline) throw new Error(`fake wecom: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async waitConnected(timeoutMs = 10_000): Promise<void> {
    await this.waitFor(() => this.connected, timeoutMs, 'the bot to log in');
  }

  async close(): Promise<void> {
    for (const ws of this.server.clients) ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The text a frame shows: a stream's or markdown's content, or a card's title and text. */
export function frameText(f: BotFrame): string {
  const b = f.body ?? {};
  if (b.stream) return b.stream.content ?? '';
  if (b.markdown) return b.markdown.content ?? '';
  if (b.text) return b.text.content ?? '';
  const card = b.template_card;
  if (card) return [card.main_title?.title, card.sub_title_text].filter(Boolean).join('\n');
  return '';
}
