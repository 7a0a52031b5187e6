/**
 * A local fake of the Telegram Bot API, spoken to over real HTTP (`client: { apiRoot }` in grammY).
 * It keeps the state a group chat would show (messages, edits, callback answers), implements
 * getUpdates' offset semantics (an update leaves the queue only when a later getUpdates passes an
 * offset above it), records every call, and can be told to answer chosen calls with errors such as
 * 429 + parameters.retry_after. Reusable by any test or benchmark that drives a grammY bot.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_bot?: boolean;
}

export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  first_name?: string;
}

export interface RecordedCall {
  method: string;
  payload: Record<string, any>;
  /** What the fake answered: ok, or the error code it returned. */
  ok: boolean;
  errorCode?: number;
  at: number;
}

/** A message as the fake stores it: what the chat shows now. */
export interface StoredMessage {
  message_id: number;
  chat_id: number;
  text: string;
  reply_markup?: any;
  fromBot: boolean;
  edits: number;
  date: number;
}

export interface FailureRule {
  method: string;
  /** How many calls to fail (default 1). */
  times?: number;
  errorCode?: number;
  description?: string;
  retryAfter?: number;
  /** Only calls whose payload matches, e.g. (p) => p.chat_id === -100. */
  when?: (payload: Record<string, any>) => boolean;
  /** The error's `parameters`, e.g. { migrate_to_chat_id: -100… } (a 429's retry_after is set from retryAfter). */
  parameters?: Record<string, unknown>;
}

export interface FakeBotApiOptions {
  token?: string;
  /** Default: random, so fakes started one after another against one database never reuse an update_id. */
  firstUpdateId?: number;
  bot?: Partial<FakeUser> & { username?: string };
}

const DEFAULT_TOKEN = '123456:TEST-fake-token-abcdefghijklmnop';

export class FakeBotApi {
  readonly token: string;
  readonly botUser: FakeUser & { username: string; can_join_groups: boolean; can_read_all_group_messages: boolean; supports_inline_queries: boolean };
  readonly calls: RecordedCall[] = [];
  /** Messages per chat id, in order, including the users' own. */
  readonly messages = new Map<number, StoredMessage[]>();
  /** Pending updates: removed only once confirmed by a later getUpdates offset. */
  private queue: any[] = [];
  private nextUpdateId: number;
  private nextMessageId = new Map<number, number>();
  private nextCallbackId = 1;
  private answeredQueries = new Set<string>();
  private openQueries = new Set<string>();
  private startedUsers = new Set<number>();
  private chats = new Map<number, FakeChat>();
  private failures: FailureRule[] = [];
  private waiters: Array<() => void> = [];
  private callListeners: Array<() => void> = [];
  private pendingPolls = new Set<http.ServerResponse>();
  /** Updates to deliver a second time (see deliverTwice), those already served once, and those owed. */
  private twice = new Set<number>();
  private servedOnce = new Set<number>();
  private owed: any[] = [];
  /** Second deliveries made so far (deliverTwice). */
  duplicatesDelivered = 0;
  private server?: http.Server;
  webhook?: { url: string; secret_token?: string; allowed_updates?: string[] };
  /** The Bot API root to give grammY: `client: { apiRoot }`. */
  apiRoot = '';

  constructor(opts: FakeBotApiOptions = {}) {
    this.token = opts.token ?? DEFAULT_TOKEN;
    this.nextUpdateId = opts.firstUpdateId ?? 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const id = Number(this.token.split(':')[0]);
    this.botUser = {
      id,
      is_bot: true,
      first_name: opts.bot?.first_name ?? 'Yishi',
      username: opts.bot?.username ?? 'yishi_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: true,
      supports_inline_queries: false,
    };
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.pendingPolls) this.respond(res, 200, { ok: true, result: [] });
    this.pendingPolls.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- driving the chat: what users do --------------------------------------------------------

  /** Queues a raw update (its update_id assigned here) and returns it. */
  pushUpdate(update: Record<string, any>): any {
    const full = { update_id: this.nextUpdateId++, ...update };
    this.queue.push(full);
    this.wake();
    return full;
  }

  /** Re-queues updates exactly as they were (same update_id), as Telegram re-delivers after a crash. */
  redeliver(updates: any[]): void {
    for (const u of updates) if (!this.queue.some((q) => q.update_id === u.update_id)) this.queue.push(u);
    this.queue.sort((a, b) => a.update_id - b.update_id);
    this.wake();
  }

  /**
   * Telegram's at-least-once delivery: once the update `updateId` has been served, a copy rides along
   * with the next non-empty getUpdates answer, whatever offset the bot confirmed meanwhile (as when a
   * confirmation was lost).
   */
  deliverTwice(updateId: number): void {
    this.twice.add(updateId);
  }

  /** A user writes `text` in `chat`; a private message also marks the user as having started the bot. */
  sendText(chat: FakeChat, from: FakeUser, text: string): any {
    this.chats.set(chat.id, chat);
    if (chat.type === 'private') this.startedUsers.add(from.id);
    const message = {
      message_id: this.allocMessageId(chat.id),
      date: Math.floor(Date.now() / 1000),
      chat,
      from: { is_bot: false, ...from },
      text,
      ...commandEntities(text),
    };
    this.store(chat.id, { message_id: message.message_id, chat_id: chat.id, text, fromBot: false, edits: 0, date: message.date });
    return this.pushUpdate({ message });
  }

  /** A user presses a button (callback_data `data`) under a bot message. */
  press(chat: FakeChat, from: FakeUser, messageId: number, data: string): any {
    this.chats.set(chat.id, chat);
    const msg = this.messages.get(chat.id)?.find((m) => m.message_id === messageId);
    const id = String(this.nextCallbackId++);
    this.openQueries.add(id);
    return this.pushUpdate({
      callback_query: {
        id,
        from: { is_bot: false, ...from },
        chat_instance: `ci${chat.id}`,
        data,
        message: {
          message_id: messageId,
          date: msg?.date ?? Math.floor(Date.now() / 1000),
          chat,
          from: this.botUser,
          text: msg?.text ?? '',
          ...(msg?.reply_markup ? { reply_markup: msg.reply_markup } : {}),
        },
      },
    });
  }

  /** Makes a chat known (the bot is a member) without a message in it. */
  addChat(chat: FakeChat): void {
    this.chats.set(chat.id, chat);
  }

  /** Marks a user as having started the bot in private (so the bot may write to them). */
  startUser(userId: number): void {
    this.startedUsers.add(userId);
  }

  /** Makes the next matching calls fail, e.g. `{ method: 'sendMessage', errorCode: 429, retryAfter: 1 }`. */
  failNext(rule: FailureRule): void {
    this.failures.push({ times: 1, ...rule });
  }

  // ---- reading what happened -------------------------------------------------------------------

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The bot's messages in a chat, in order. */
  botMessages(chatId: number): StoredMessage[] {
    return (this.messages.get(chatId) ?? []).filter((m) => m.fromBot);
  }

  lastBotMessage(chatId: number): StoredMessage | undefined {
    return this.botMessages(chatId).at(-1);
  }

  /** Updates still held by the server (not yet confirmed by an offset). */
  pendingUpdates(): any[] {
    return [...this.queue];
  }

  /** Resolves when `predicate` holds, re-checked after every call; rejects after `timeoutMs`. */
  async waitFor<T>(predicate: () => T | undefined | false | null, timeoutMs = 10000, what = 'condition'): Promise<T> {
    const first = predicate();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      // Re-checked after every call and on a short tick, for conditions that change without a call.
      const tick = setInterval(() => check(), 25);
      const timer = setTimeout(() => {
        remove();
        reject(new Error(`fake Bot API: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      let done = false;
      const check = () => {
        if (done) return;
        let v: T | undefined | false | null;
        try {
          v = predicate();
        } catch (e) {
          remove();
          clearTimeout(timer);
          reject(e);
          return;
        }
        if (v) {
          remove();
          clearTimeout(timer);
          if (done) return;
          done = true;
          resolve(v);
        }
      };
      const remove = () => {
        clearInterval(tick);
        this.callListeners = this.callListeners.filter((l) => l !== check);
      };
      this.callListeners.push(check);
    });
  }

  /** Waits until the bot has sent `count` more messages to `chatId` than `before`, and returns the new ones. */
  async waitForBotMessages(chatId: number, before: number, count = 1, timeoutMs = 10000): Promise<StoredMessage[]> {
    await this.waitFor(() => this.botMessages(chatId).length >= before + count, timeoutMs, `${count} bot message(s) in chat ${chatId}`);
    return this.botMessages(chatId).slice(before);
  }

  /** A user writes `text` in `chat`; resolves with the bot's first message there after it. */
  async say(chat: FakeChat, from: FakeUser, text: string, timeoutMs = 15000): Promise<StoredMessage> {
    const before = this.botMessages(chat.id).length;
    this.sendText(chat, from, text);
    const [reply] = await this.waitForBotMessages(chat.id, before, 1, timeoutMs);
    return reply!;
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    const body = await readBody(req);
    if (!m) return this.respond(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = m;
    let payload: Record<string, any> = {};
    const type = String(req.headers['content-type'] ?? '');
    if (body.length && type.startsWith('multipart/form-data')) {
      // Uploads (sendPhoto, sendDocument): fields as the payload, files as { name, bytes }.
      payload = parseMultipart(body, /boundary=(.+)$/.exec(type)?.[1] ?? '');
    } else if (body.length) {
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        return this.respond(res, 400, { ok: false, error_code: 400, description: 'Bad Request: can only parse JSON in this fake' });
      }
    }
    if (token !== this.token) return this.finish(res, method, payload, 401, 'Unauthorized');

    const rule = this.failures.find((f) => f.method === method && (!f.when || f.when(payload)));
    if (rule) {
      rule.times = (rule.times ?? 1) - 1;
      if (rule.times <= 0) this.failures.splice(this.failures.indexOf(rule), 1);
      const code = rule.errorCode ?? 429;
      const description = rule.description ?? (code === 429 ? `Too Many Requests: retry after ${rule.retryAfter ?? 1}` : 'Internal Server Error');
      return this.finish(res, method, payload, code, description, code === 429 ? { retry_after: rule.retryAfter ?? 1 } : rule.parameters);
    }

    if (method === 'getUpdates') return this.getUpdates(res, payload);
    try {
      const result = this.call(method, payload);
      this.finish(res, method, payload, 200, undefined, undefined, result);
    } catch (e) {
      if (e instanceof ApiError) return this.finish(res, method, payload, e.code, e.message);
      throw e;
    }
  }

  private finish(res: http.ServerResponse, method: string, payload: any, status: number, description?: string, parameters?: any, result?: any) {
    this.calls.push({ method, payload, ok: status === 200, errorCode: status === 200 ? undefined : status, at: Date.now() });
    if (status === 200) this.respond(res, 200, { ok: true, result });
    else this.respond(res, status, { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) });
    for (const l of [...this.callListeners]) l();
  }

  private respond(res: http.ServerResponse, status: number, body: unknown) {
    if (res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private getUpdates(res: http.ServerResponse, payload: Record<string, any>) {
    if (this.webhook) return this.finish(res, 'getUpdates', payload, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = typeof payload.offset === 'number' ? payload.offset : undefined;
    if (offset !== undefined && offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    const limit = Math.min(100, Math.max(1, payload.limit ?? 100));
    const timeoutMs = Math.max(0, (payload.timeout ?? 0) * 1000);
    const take = () => this.withOwed(this.queue.slice(0, limit));
    const ready = take();
    if (ready.length || timeoutMs === 0) return this.finish(res, 'getUpdates', payload, 200, undefined, undefined, ready);
    this.pendingPolls.add(res);
    let done = false;
    const settle = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.waiters = this.waiters.filter((w) => w !== onWake);
      this.pendingPolls.delete(res);
      if (!res.writableEnded && !res.destroyed) this.finish(res, 'getUpdates', payload, 200, undefined, undefined, take());
    };
    const onWake = () => settle();
    const timer = setTimeout(settle, timeoutMs);
    this.waiters.push(onWake);
    // A client that aborts its long poll (bot stopping) must not be answered later.
    res.on('close', () => {
      if (!res.writableEnded) {
        done = true;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== onWake);
        this.pendingPolls.delete(res);
      }
    });
  }

  /** Adds the copies owed by deliverTwice to a non-empty answer, in update_id order as Telegram sends a batch. */
  private withOwed(list: any[]): any[] {
    if (!list.length || (!this.twice.size && !this.owed.length)) return list;
    const extra = this.owed.splice(0, this.owed.length);
    for (const u of list) {
      if (this.twice.has(u.update_id) && !this.servedOnce.has(u.update_id)) {
        this.servedOnce.add(u.update_id);
        this.owed.push(u);
      }
    }
    this.duplicatesDelivered += extra.length;
    return [...extra, ...list].sort((a, b) => a.update_id - b.update_id);
  }

  private wake() {
    const ws = this.waiters;
    this.waiters = [];
    // Answer on the next tick so several pushed updates arrive in one batch.
    setImmediate(() => ws.forEach((w) => w()));
  }

  private call(method: string, p: Record<string, any>): unknown {
    switch (method) {
      case 'getMe':
        return this.botUser;
      case 'logOut':
      case 'close':
        return true;
      case 'deleteWebhook':
        this.webhook = undefined;
        if (p.drop_pending_updates) this.queue = [];
        return true;
      case 'setWebhook':
        if (!p.url) throw new ApiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        this.webhook = { url: p.url, secret_token: p.secret_token, allowed_updates: p.allowed_updates };
        return true;
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length };
      case 'setMyCommands':
      case 'deleteMyCommands':
      case 'setChatMenuButton':
      case 'sendChatAction':
        return true;
      case 'getMyCommands':
        return this.callsOf('setMyCommands').filter((c) => (c.payload.language_code ?? '') === (p.language_code ?? '')).at(-1)?.payload.commands ?? [];
      case 'getChat': {
        const chat = this.chats.get(Number(p.chat_id));
        if (!chat) throw new ApiError(400, 'Bad Request: chat not found');
        return chat;
      }
      case 'sendMessage':
        return this.sendMessage(p);
      case 'sendPhoto':
      case 'sendDocument':
        return this.sendFile(method, p);
      case 'editMessageText':
        return this.editMessageText(p);
      case 'editMessageReplyMarkup':
        return this.editMessageText({ ...p, text: this.find(p).text });
      case 'answerCallbackQuery': {
        const id = String(p.callback_query_id);
        if (!this.openQueries.has(id) || this.answeredQueries.has(id)) {
          throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        }
        if (p.text !== undefined && String(p.text).length > 200) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
        this.answeredQueries.add(id);
        return true;
      }
      default:
        throw new ApiError(404, 'Not Found: method not found');
    }
  }

  /** Pictures and documents the bot sent (kept apart from the text messages tests count). */
  readonly files: { method: string; chat_id: number; caption?: string; name: string; bytes: Buffer; replyTo?: number }[] = [];

  private sendFile(method: string, p: Record<string, any>) {
    const chatId = Number(p.chat_id);
    const field = method === 'sendPhoto' ? p.photo : p.document;
    const file = typeof field === 'string' && field.startsWith('attach://') ? p[field.slice('attach://'.length)] : field;
    if (!file?.bytes?.length) throw new ApiError(400, 'Bad Request: file must be non-empty');
    const chat = this.chats.get(chatId) ?? (chatId > 0 && this.startedUsers.has(chatId) ? { id: chatId, type: 'private' as const } : undefined);
    if (!chat) throw new ApiError(400, 'Bad Request: chat not found');
    const replyTo = p.reply_parameters ? Number((typeof p.reply_parameters === 'string' ? JSON.parse(p.reply_parameters) : p.reply_parameters).message_id) : undefined;
    this.files.push({ method, chat_id: chatId, caption: p.caption, name: file.name, bytes: file.bytes, replyTo });
    const message_id = this.allocMessageId(chatId);
    return { message_id, date: Math.floor(Date.now() / 1000), chat, from: this.botUser, caption: p.caption };
  }

  private sendMessage(p: Record<string, any>) {
    const chatId = Number(p.chat_id);
    const text = String(p.text ?? '');
    if (!text.trim()) throw new ApiError(400, 'Bad Request: message text is empty');
    if (text.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
    checkMarkup(p.reply_markup);
    let chat = this.chats.get(chatId);
    if (chatId > 0) {
      if (!this.startedUsers.has(chatId)) throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
      chat ??= { id: chatId, type: 'private' };
    }
    if (!chat) throw new ApiError(400, 'Bad Request: chat not found');
    const message_id = this.allocMessageId(chatId);
    const date = Math.floor(Date.now() / 1000);
    this.store(chatId, { message_id, chat_id: chatId, text, reply_markup: p.reply_markup, fromBot: true, edits: 0, date });
    return { message_id, date, chat, from: this.botUser, text, ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}) };
  }

  private find(p: Record<string, any>): StoredMessage {
    const msg = this.messages.get(Number(p.chat_id))?.find((m) => m.message_id === Number(p.message_id));
    if (!msg) throw new ApiError(400, 'Bad Request: message to edit not found');
    if (!msg.fromBot) throw new ApiError(400, "Bad Request: message can't be edited");
    return msg;
  }

  private editMessageText(p: Record<string, any>) {
    const msg = this.find(p);
    const text = String(p.text ?? '');
    if (!text.trim()) throw new ApiError(400, 'Bad Request: message text is empty');
    if (text.length > 4096) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
    checkMarkup(p.reply_markup);
    if (msg.text === text && JSON.stringify(msg.reply_markup ?? null) === JSON.stringify(p.reply_markup ?? null)) {
      throw new ApiError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    msg.text = text;
    msg.reply_markup = p.reply_markup;
    msg.edits++;
    const chat = this.chats.get(msg.chat_id) ?? { id: msg.chat_id, type: 'group' };
    return { message_id: msg.message_id, date: msg.date, edit_date: Math.floor(Date.now() / 1000), chat, from: this.botUser, text };
  }

  private allocMessageId(chatId: number): number {
    const id = this.nextMessageId.get(chatId) ?? 1;
    this.nextMessageId.set(chatId, id + 1);
    return id;
  }

  private store(chatId: number, m: StoredMessage) {
    const list = this.messages.get(chatId) ?? [];
    list.push(m);
    this.messages.set(chatId, list);
  }
}

class ApiError extends Error {
  constructor(public readonly code: number, message: string) {
    super(message);
  }
}

function checkMarkup(markup: any) {
  if (!markup?.inline_keyboard) return;
  for (const row of markup.inline_keyboard) {
    for (const b of row) {
      const len = Buffer.byteLength(String(b.callback_data ?? ''), 'utf8');
      if (b.callback_data !== undefined && (len < 1 || len > 64)) throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
      if (!b.text) throw new ApiError(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
    }
  }
}

/** A bot_command entity for a leading `/cmd` or `/cmd@bot`, as Telegram adds it. */
function commandEntities(text: string) {
  const m = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return m ? { entities: [{ type: 'bot_command', offset: 0, length: m[0].length }] } : {};
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Starts a fake Bot API on a free loopback port. */
export async function startFakeBotApi(opts: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  return new FakeBotApi(opts).start();
}

/** Handy fixtures: a group, a private chat and a few residents. */
export const fixtures = {
  group: (id = -1001234567890, title = '幸福里小区议事群'): FakeChat => ({ id, type: 'supergroup', title }),
  privateChat: (user: FakeUser): FakeChat => ({ id: user.id, type: 'private', first_name: user.first_name }),
  user: (id: number, first_name: string, extra: Partial<FakeUser> = {}): FakeUser => ({ id, first_name, language_code: 'zh-hans', ...extra }),
};

/** grammY's multipart bodies (headers written `content-disposition:form-data;name="x"`): fields, and files as { name, bytes }. */
function parseMultipart(body: Buffer, boundary: string): Record<string, any> {
  const out: Record<string, any> = {};
  const sep = Buffer.from(`--${boundary}`);
  let at = body.indexOf(sep);
  while (at !== -1) {
    const start = at + sep.length + 2;
    const next = body.indexOf(sep, start);
    if (next === -1) break;
    const part = body.subarray(start, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]+)"/i.exec(head)?.[1];
    const filename = /filename="?([^";\r\n]*)"?/i.exec(head)?.[1];
    if (name) out[name] = filename !== undefined ? { name: filename, bytes: Buffer.from(content) } : content.toString('utf8');
    at = next;
  }
  return out;
}
