/** Test helpers for the jobs: a recording platform sender (the only fake), seeding, waiting. */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Jobs } from '../../jobs/index.js';
import { freshDatabase, redisUrl as suiteRedisUrl, tempDir } from '../support/services.js';
import { startRedisServer, type EmbeddedRedis } from '../../src/services/redis-server.js';
import type { AppDeps } from '../../src/core/app-types.js';
import type { Core, CoreEvent } from '../../src/kernel/types.js';
import { loadConfig } from '../../src/lib/config.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { silentLogger } from '../../src/lib/logger.js';
import { SenderRegistry, type OutboundMessage, type PlatformSender, type SentMessage } from '../../src/messaging/port.js';

export interface Delivery extends OutboundMessage {
  at: number;
  messageId: string;
}

/** A platform at its wire: records every message it accepts; `script` may refuse a call first. */
export class RecordingSender implements PlatformSender {
  readonly delivered: Delivery[] = [];
  calls = 0;
  private seq = 0;
  constructor(
    public readonly platform: s.Platform,
    public script: (call: number, message: OutboundMessage) => void = () => undefined,
  ) {}
  async send(message: OutboundMessage): Promise<SentMessage> {
    this.calls++;
    this.script(this.calls, message);
    const messageId = `${this.platform}-m${++this.seq}`;
    this.delivered.push({ ...message, at: Date.now(), messageId });
    return { messageId };
  }
  to(chatId: string): Delivery[] {
    return this.delivered.filter((d) => d.platformChatId === chatId);
  }
}

/** A core that only relays events (for jobs that do not close polls); emit() plays the core's part. */
export function eventCore(closeDuePoll: Core['closeDuePoll'] = async () => undefined): Core & { emit(e: CoreEvent): void } {
  const listeners = new Set<(e: CoreEvent) => void>();
  return {
    handle: async () => ({ stored: true, replies: [] }),
    ballotView: async () => undefined,
    setPollMessage: async () => undefined,
    repliesDelivered: async () => undefined,
    claimUndeliveredReplies: async () => [],
    query: { pollMessage: async () => undefined, pollMessages: async () => [], pollInfo: async () => undefined, chatKind: async () => undefined },
    closeDuePoll,
    closeDueOwnersVote: async () => undefined,
    migrateChat: async () => ({ openPollIds: [] }),
    setChatActive: async () => undefined,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(e) {
      for (const l of listeners) l(e);
    },
  };
}

export const testConfig = (env: Record<string, string> = {}) => loadConfig({ YISHI_TZ: 'Asia/Shanghai', YISHI_LOG_LEVEL: 'silent', ...env });

export function deps(database: Database, core: Core, redisUrl: string, senders: PlatformSender[]): AppDeps {
  const registry = new SenderRegistry();
  for (const sender of senders) registry.register(sender);
  return { config: testConfig(), database, redisUrl, core, logger: silentLogger, senders: registry };
}

/** Waits until `check` returns a truthy value (polling), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let counter = 0;
export const unique = (p: string) => `${p}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A community with a bound Telegram group chat. */
export async function seedCommunity(database: Database, opts: { name?: string } = {}) {
  const { db } = database;
  const [community] = await db.insert(s.communities).values({ slug: unique('c'), name: opts.name ?? '幸福社区' }).returning();
  const [chat] = await db
    .insert(s.chats)
    .values({ platform: 'telegram', platformChatId: unique('-100'), kind: 'group', communityId: community!.id, boundAt: new Date() })
    .returning();
  return { community: community!, chat: chat! };
}

/** A resident (or staff) of a community with one identity per given platform; `private` = started the bot. */
export async function seedPerson(
  database: Database,
  communityId: number,
  opts: { name?: string; role?: 'resident' | 'staff'; lang?: string; identities?: Array<{ platform: s.Platform; private: boolean }> } = {},
) {
  const { db } = database;
  const [person] = await db.insert(s.persons).values({ displayName: opts.name ?? unique('p'), lang: opts.lang ?? 'zh' }).returning();
  await db.insert(s.roles).values({ communityId, personId: person!.id, role: opts.role ?? 'resident' });
  const ids = [];
  for (const i of opts.identities ?? [{ platform: 'telegram', private: true }]) {
    const userId = unique('u');
    const [identity] = await db
      .insert(s.identities)
      .values({ personId: person!.id, platform: i.platform, platformUserId: userId, privateChatId: i.private ? `dm-${userId}` : null })
      .returning();
    ids.push(identity!);
  }
  return { person: person!, identities: ids };
}

/** A suggestion with an open vote in the community's chat. */
export async function seedPoll(database: Database, communityId: number, chatId: number, authorId: number, opts: { openedAt?: Date; deadline: Date; kind?: 'vote' | 'rating'; number?: number }) {
  const { db } = database;
  const [sug] = await db
    .insert(s.suggestions)
    .values({ communityId, number: opts.number ?? 1, authorId, chatId, text: '东门路灯坏了，晚上很黑', stage: opts.kind === 'rating' ? 'evaluating' : 'voting' })
    .returning();
  const [poll] = await db
    .insert(s.polls)
    .values({ suggestionId: sug!.id, kind: opts.kind ?? 'vote', chatId, deadline: opts.deadline, openedAt: opts.openedAt ?? new Date() })
    .returning();
  await db.insert(s.pollChoices).values(['同意', '反对', '弃权'].map((label, i) => ({ pollId: poll!.id, position: i + 1, label })));
  return { suggestion: sug!, poll: poll! };
}

export async function outboxRows(database: Database) {
  return database.db.select().from(s.outboundMessages).orderBy(s.outboundMessages.id);
}

export async function outboxRow(database: Database, dedupeKey: string) {
  const [row] = await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.dedupeKey, dedupeKey));
  return row;
}

/** Deletes every Redis key under a test's BullMQ prefix (after its workers are stopped). */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/**
 * The usual frame of a jobs test file: one fresh database for the file, and every Jobs a test starts
 * (pushed to `started`) stopped after that test with its Redis keys dropped.
 */
export function jobsHarness(): { readonly database: Database; started: Jobs[] } {
  let database: Database | undefined;
  const started: Jobs[] = [];
  beforeAll(async () => { database = await freshDatabase(); });
  afterEach(async () => {
    for (const j of started.splice(0)) {
      await j.stop();
      await dropPrefix(suiteRedisUrl(), j.prefix);
    }
  });
  afterAll(async () => { await database?.close(); });
  return {
    get database() {
      if (!database) throw new Error('jobsHarness: the database is opened in beforeAll');
      return database;
    },
    started,
  };
}

/** A Redis server of the file's own (for files that wipe it with FLUSHALL) and a fresh database. */
export function ownRedisHarness(): { readonly redis: EmbeddedRedis; readonly database: Database } {
  let redis: EmbeddedRedis | undefined;
  let database: Database | undefined;
  beforeAll(async () => {
    redis = await startRedisServer(tempDir('yishi-redis-'));
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
    await redis?.stop();
  });
  return {
    get redis() {
      if (!redis) throw new Error('ownRedisHarness: Redis is started in beforeAll');
      return redis;
    },
    get database() {
      if (!database) throw new Error('ownRedisHarness: the database is opened in beforeAll');
      return database;
    },
  };
}
