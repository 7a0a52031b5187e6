/**
 * One callback message → its answer: text goes to the core as a command of the follower's community
 * (its followers' chat, see src/people/mp-followers.ts), events join, leave or switch; anything else
 * gets a short reply saying what works. Every path that changes state is deduplicated on the update key.
 */
import { ROUTES } from '../../src/core/router.js';
import { parseCommand } from '../../src/core/parse.js';
import { t } from '../../src/i18n/index.js';
import type { Core, Incoming } from '../../src/kernel/types.js';
import type { Db } from '../../src/db/client.js';
import { follow, followerName, MP, switchCommunity, touch, unfollow } from '../../src/people/mp-followers.js';
import type { XmlFields } from './xml.js';
import type { Answer } from './answers.js';
import { commandOf, commandText, MAX_TEXT_BYTES, switchArgs } from './text.js';

export interface HandleEnv {
  db: Db;
  core: Core;
  now(): Date;
}

/** Menu keys (`yishi mp menu`). */
export const MENU_KEYS = { propose: 'YISHI_PROPOSE', mine: 'YISHI_MINE' } as const;

/** Commands answered in the follower's private chat even when they joined a community (their points, their links). */
const PRIVATE = new Set(['points', 'web', 'notice', 'register', 'page']);

const said = (text: string): Answer => ({ replies: [{ text }], kept: false });
const none: Answer = { replies: [], kept: false };
/** The answer was kept with the update's processed row (the first answer, for a duplicate): claimed by Answers. */
const KEPT: Answer = { replies: [], kept: true };

/** The dedupe key of a callback: the MsgId of a message, FromUserName+CreateTime+Event+EventKey of an event. */
export function updateKeyOf(m: XmlFields): string | undefined {
  if (m.MsgType === 'event') return `e:${m.FromUserName}:${m.CreateTime ?? ''}:${m.Event ?? ''}:${m.EventKey ?? ''}`;
  return m.MsgId ? `m:${m.MsgId}` : undefined;
}

export async function handleMessage(env: HandleEnv, m: XmlFields, key: string): Promise<Answer> {
  const openid = m.FromUserName!;
  const now = env.now();
  if (m.MsgType === 'event') return onEvent(env, m, key, openid, now);
  const content = m.MsgType === 'text' ? m.Content : m.MsgType === 'voice' ? m.Recognition : undefined;
  if (content === undefined || !content.trim()) return said(t(undefined, 'mp.unsupported'));
  if (Buffer.byteLength(content, 'utf8') > MAX_TEXT_BYTES) return said(t(undefined, 'mp.tooLong', { max: MAX_TEXT_BYTES }));
  const where = await touch(env.db, openid, now);
  return onText(env, openid, commandText(content), key, where, now);
}

async function onText(env: HandleEnv, openid: string, text: string, key: string, where: { platformChatId: string } | undefined, now: Date): Promise<Answer> {
  const slug = switchArgs(text);
  if (slug !== undefined) {
    await switchCommunity(env.db, { openid, slug, updateKey: key, now, lang: 'zh' });
    return KEPT;
  }
  const name = commandOf(text);
  if (!name && parseCommand(text)?.kind !== 'unknown') return said(t(undefined, where ? 'mp.chatter' : 'mp.notJoined'));
  if (!where && name === 'help') return said(t(undefined, 'mp.welcome.none'));
  if (!where && name && !ROUTES[name].private) return said(t(undefined, 'mp.notJoined'));
  const privately = !where || (name !== undefined && PRIVATE.has(name));
  const incoming: Incoming = {
    platform: MP,
    chat: privately ? { platformChatId: openid, kind: 'private' } : { platformChatId: where!.platformChatId, kind: 'group' },
    sender: { platformUserId: openid, displayName: followerName(openid) },
    text,
    updateKey: key,
    delivery: { openid },
  };
  const outcome = await env.core.handle(incoming);
  if (outcome.duplicate) return { replies: [], kept: true };
  // Not stored (the database failed): said as it is; WeChat's retry runs it again.
  if (!outcome.stored) return { replies: outcome.replies, kept: false };
  return { replies: outcome.replies, kept: outcome.replies.length > 0 };
}

async function onEvent(env: HandleEnv, m: XmlFields, key: string, openid: string, now: Date): Promise<Answer> {
  const event = (m.Event ?? '').toLowerCase();
  const eventKey = m.EventKey ?? '';
  if (event === 'unsubscribe') {
    await unfollow(env.db, { openid, updateKey: key, now });
    return none;
  }
  if (event === 'subscribe' || event === 'scan') {
    const scene = event === 'subscribe' ? (eventKey.startsWith('qrscene_') ? eventKey.slice('qrscene_'.length) : undefined) : eventKey;
    await follow(env.db, { openid, scene, updateKey: key, now, lang: 'zh' });
    return KEPT;
  }
  const where = await touch(env.db, openid, now);
  if (event === 'click' && eventKey === MENU_KEYS.propose) return said(t(undefined, where ? 'mp.howToPropose' : 'mp.notJoined'));
  if (event === 'click' && eventKey === MENU_KEYS.mine) return onText(env, openid, '/points', key, where, now);
  // VIEW, LOCATION, template receipts…: nothing to say.
  return none;
}
