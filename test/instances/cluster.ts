/**
 * Several real app processes (started as `npm start` starts one) on one Postgres and one Redis, in
 * Telegram webhook mode behind a small round-robin HTTP proxy on loopback, and a courier that plays
 * Telegram's part: it POSTs each update to the proxy with the secret header, keeps one queue per chat
 * (the next update of a queue goes only after the previous one was answered 2xx, as the Bot API's
 * webhook sender does), retries on anything else, and can deliver an update twice.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { startRedisServer, type EmbeddedRedis } from '../../src/services/redis-server.js';
import { freePort } from '../../src/services/ports.js';
import { startFakeBotApi, fixtures, type FakeBotApi, type FakeUser } from '../support/fake-bot-api.js';
import { startApp, type AppProcess } from '../fault/app-process.js';
import { seedTelegramGroup } from '../support/seed-group.js';

export const GROUP = fixtures.group(-100777000222, '多实例演练群');
export const STAFF = fixtures.user(8_200_001, '主任');
export const resident = (i: number): FakeUser => fixtures.user(7_000_000 + i, `居民${i}`);
export const SECRET = 'instances-test-secret_0123456789';

export interface Instance {
  app: AppProcess;
  webPort: number;
  webhookPort: number;
  alive: boolean;
}

/** A round-robin reverse proxy: each request to the next live instance; a dead one answers 502. */
export class RoundRobinProxy {
  private next = 0;
  private server?: http.Server;
  url = '';
  /** Requests forwarded per instance index. */
  readonly forwarded: number[];

  constructor(private readonly targets: () => Instance[]) {
    this.forwarded = [];
  }

  async start(): Promise<this> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    this.server = http.createServer((req, res) => {
      const all = this.targets();
      const i = this.next++ % all.length;
      const target = all[i]!;
      this.forwarded[i] = (this.forwarded[i] ?? 0) + 1;
      const up = http.request(
        { host: '127.0.0.1', port: target.webhookPort, method: req.method, path: req.url, headers: req.headers, agent },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end('bad gateway');
      });
      req.pipe(up);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections?.();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The queue an update waits in at the courier: one chat's messages, one presser's presses in a chat. */
const queueOf = (u: any): string => (u.callback_query ? `${u.callback_query.message.chat.id}:${u.callback_query.from.id}` : String(u.message?.chat.id ?? 'other'));

/** Plays Telegram's webhook sender against the proxy. */
export class Courier {
  private readonly queues = new Map<string, any[]>();
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  readonly answered = new Map<number, number>();
  failures = 0;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  constructor(
    private readonly url: string,
    private readonly connections = 16,
  ) {}

  /** Queues updates for delivery in order per chat (per presser for presses). */
  deliver(updates: any[]): void {
    for (const u of updates) {
      const q = queueOf(u);
      this.queues.set(q, [...(this.queues.get(q) ?? []), u]);
    }
    this.pump();
  }

  /** Delivers `u` once more right now, outside its queue (a load balancer retrying a slow request). */
  deliverNow(u: any): Promise<void> {
    return this.post(u).then(() => undefined);
  }

  /** Resolves once every queued update was answered 2xx. */
  idle(timeoutMs: number): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`courier: ${this.pending()} updates not delivered after ${timeoutMs} ms`)), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  pending(): number {
    let n = this.inFlight;
    for (const [, list] of this.queues) n += list.length;
    return n;
  }

  private pump(): void {
    for (const [q, list] of this.queues) {
      if (this.inFlight >= this.connections) return;
      if (this.busy.has(q) || !list.length) continue;
      const u = list[0];
      this.busy.add(q);
      this.inFlight++;
      void this.untilAnswered(u).then(() => {
        list.shift();
        if (!list.length) this.queues.delete(q);
        this.busy.delete(q);
        this.inFlight--;
        if (this.pending() === 0) for (const w of this.idleWaiters.splice(0)) w();
        this.pump();
      });
    }
  }

  private async untilAnswered(u: any): Promise<void> {
    for (;;) {
      const status = await this.post(u);
      if (status >= 200 && status < 300) return;
      this.failures++;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private post(u: any): Promise<number> {
    const body = Buffer.from(JSON.stringify(u));
    return new Promise((resolve) => {
      const req = http.request(
        `${this.url}/tg`,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-telegram-bot-api-secret-token': SECRET } },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status === 200) this.answered.set(u.update_id, (this.answered.get(u.update_id) ?? 0) + 1);
            resolve(status);
          });
        },
      );
      req.setTimeout(60000, () => req.destroy());
      req.on('error', () => resolve(0));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface Cluster {
  databaseUrl: string;
  sql: postgres.Sql;
  redis: EmbeddedRedis;
  fake: FakeBotApi;
  proxy: RoundRobinProxy;
  courier: Courier;
  instances: Instance[];
  /** Starts `n` instances at once and waits until each answers /readyz. */
  startInstances(n: number, env?: Record<string, string>): Promise<Instance[]>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** An empty database: the instances migrate it, unless `migrate` did first. */
  databaseUrl: string;
  tempDir: (prefix?: string) => string;
  migrate?: (databaseUrl: string) => Promise<void>;
  /** Concurrent deliveries of the courier (Telegram's max_connections). */
  connections?: number;
}

/** Around the given database: one Redis, the fake Bot API, the proxy and the courier. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const { databaseUrl, tempDir } = opts;
  await opts.migrate?.(databaseUrl);
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  const redis = await startRedisServer(tempDir('yishi-instances-redis-'));
  const fake = await startFakeBotApi();
  const instances: Instance[] = [];
  const proxy = await new RoundRobinProxy(() => instances).start();
  const courier = new Courier(proxy.url, opts.connections);
  const dataDir = tempDir();

  async function startOne(env: Record<string, string>): Promise<Instance> {
    const [webPort, webhookPort] = [await freePort(), await freePort()];
    const app = startApp({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: `${proxy.url}/tg`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_PORT: String(webhookPort),
      YISHI_WEB_PORT: String(webPort),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      YISHI_DATA_DIR: dataDir,
      YISHI_LOG_LEVEL: process.env.YISHI_TEST_LOG ?? 'warn',
      ...env,
    });
    const instance: Instance = { app, webPort, webhookPort, alive: true };
    void app.exited.then(() => (instance.alive = false));
    return instance;
  }

  async function ready(i: Instance, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (!i.alive) throw new Error(`an instance exited at start:\n${i.app.output().slice(-3000)}`);
      const ok = await fetch(`http://127.0.0.1:${i.webPort}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) return;
      if (Date.now() > until) throw new Error(`an instance not ready after ${timeoutMs} ms:\n${i.app.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    databaseUrl,
    sql,
    redis,
    fake,
    proxy,
    courier,
    instances,
    async startInstances(n, env = {}) {
      const started = await Promise.all(Array.from({ length: n }, () => startOne(env)));
      instances.push(...started);
      await Promise.all(started.map((i) => ready(i, 150_000)));
      return started;
    },
    async stop() {
      courier.close();
      await Promise.all(instances.map((i) => i.app.kill('SIGTERM')));
      await proxy.close();
      await fake.close();
      await redis.stop();
      await sql.end({ timeout: 5 });
    },
  };
}

/** A community bound to GROUP, STAFF its staff, suggestion #1 on the agenda (the instances migrated the database). */
export function seedGroup(sql: postgres.Sql): Promise<void> {
  return seedTelegramGroup(sql, { slug: 'multi', name: '多实例社区', group: GROUP, staff: STAFF, item: '小区增设充电桩' });
}

/** The staff opens the vote on #1 through the webhook; returns the ballot message id and its buttons' data. */
/** Each resident presses once (residents 1..`changed` then change their vote): the presses, and each resident's last choice (1-based). */
export function stormPresses(cluster: Cluster, poll: { messageId: number; data: string[] }, residents: number, changed: number) {
  const latest = new Map<number, number>();
  const presses: ReturnType<FakeBotApi['press']>[] = [];
  const press = (i: number, k: number) => {
    presses.push(cluster.fake.press(GROUP, resident(i), poll.messageId, poll.data[k]!));
    latest.set(i, k + 1);
  };
  for (let i = 1; i <= residents; i++) press(i, i % 3);
  for (let i = 1; i <= changed; i++) press(i, (i + 1) % 3);
  return { presses, latest };
}

export async function openPoll(cluster: Cluster): Promise<{ messageId: number; data: string[] }> {
  const { fake, courier } = cluster;
  const before = fake.botMessages(GROUP.id).length;
  courier.deliver([fake.sendText(GROUP, STAFF, '/poll 1 48h')]);
  const [ballot] = await fake.waitForBotMessages(GROUP.id, before, 1, 60000);
  const data: string[] = (ballot!.reply_markup?.inline_keyboard ?? []).flat().map((b: { callback_data: string }) => b.callback_data);
  if (data.length !== 3) throw new Error(`no ballot buttons: ${JSON.stringify(ballot)}`);
  return { messageId: ballot!.message_id, data };
}

/** The ballots as resident index -> choice position. */
export async function ballotsByResident(sql: postgres.Sql): Promise<Map<number, number>> {
  const rows = await sql`select i.platform_user_id as uid, b.choice from ballots b
    join identities i on i.person_id = b.person_id and i.platform = 'telegram'`;
  return new Map(rows.map((r) => [Number(r.uid) - 7_000_000, Number(r.choice)]));
}

export const answeredQueries = (fake: FakeBotApi) => new Set(fake.callsOf('answerCallbackQuery').map((c) => String(c.payload.callback_query_id)));
