/** What the WeCom feature handlers share; and turning a callback's body into the core's Incoming. */
import type { WsFrame } from '@wecom/aibot-node-sdk';
import type { ChatRef, Core, Incoming, Outcome, Sender } from '../../src/kernel/types.js';
import type { Logger } from '../../src/lib/logger.js';
import type { WecomChannel } from './channel.js';
import type { LaterSends } from './sender.js';
import { userKey } from './text.js';

export interface WecomEnv {
  channel: WecomChannel;
  core: Core;
  logger: Logger;
  later: LaterSends;
}

/** The parts of a callback body the adapter reads (messages and events alike). */
export interface CallbackBody {
  msgid: string;
  chatid?: string;
  chattype?: 'single' | 'group';
  from: { userid: string; corpid?: string };
}

export type Frame = WsFrame<CallbackBody & Record<string, unknown>>;

/** Groups by chatid; a direct chat by the user's id, which is also where WeCom sends to them. */
export function chatOf(body: CallbackBody): ChatRef {
  return body.chattype === 'group' && body.chatid ? { platformChatId: body.chatid, kind: 'group' } : { platformChatId: body.from.userid, kind: 'private' };
}

/** WeCom callbacks carry no display name: the userid stands in (never used as a key). */
export function senderOf(body: CallbackBody): Sender {
  return { platformUserId: userKey(body.from), displayName: body.from.userid };
}

export function incomingOf(body: CallbackBody, what: { text: string } | { button: string }, kind: 'm' | 'e'): Incoming {
  // msgid is WeCom's dedupe id of a callback ("开发者需据此进行事件排重"): a re-delivery changes nothing.
  return { platform: 'wecom', chat: chatOf(body), sender: senderOf(body), updateKey: `${kind}:${body.msgid}`, ...what };
}

/**
 * core.handle, again when the core could not store the update (its database unreachable): WeCom has
 * no way to ask for a re-delivery, so the adapter itself tries a few times before answering the error.
 */
export async function handleStored(core: Core, incoming: Incoming, attempts = 3): Promise<Outcome> {
  for (let i = 1; ; i++) {
    const outcome = await core.handle(incoming);
    if (outcome.stored !== false || i >= attempts) return outcome;
    await new Promise((r) => setTimeout(r, 300 * 2 ** i));
  }
}
