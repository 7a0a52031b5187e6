/**
 * Sends an Outcome's replies for one message callback: the first as the reply to it (a stream with
 * finish, or a card for a ballot), private ones to the sender's direct chat, any further ones as
 * proactive messages. A reply whose socket dropped goes out proactively after the reconnect.
 */
import { generateReqId } from '@wecom/aibot-node-sdk';
import type { Outcome, Reply } from '../../src/kernel/types.js';
import { t } from '../../src/i18n/index.js';
import { cardButtons, newTaskId, replyCard } from './cards.js';
import { chatOf, type CallbackBody, type Frame, type WecomEnv } from './env.js';
import { describe, isPermanent } from './errors.js';
import { bodiesOf } from './sender.js';
import { markdownSafe } from './text.js';

export async function deliver(env: WecomEnv, frame: Frame, outcome: Outcome): Promise<void> {
  const body = frame.body!;
  let replied = false;
  for (const given of outcome.replies) {
    try {
      const reply = await withFileLink(env, given);
      if (reply.to === 'private' && body.chattype === 'group') await sendPrivately(env, body, reply);
      else if (!replied) {
        replied = true;
        await replyTo(env, frame, reply);
      } else await later(env, chatOf(body).platformChatId, reply);
    } catch (err) {
      env.logger.error('wecom: a reply was not delivered', { chatId: chatOf(body).platformChatId, ...describe(err) });
    }
  }
}

async function replyTo(env: WecomEnv, frame: Frame, reply: Reply): Promise<void> {
  const chatId = chatOf(frame.body!).platformChatId;
  const hasCard = cardButtons(reply.buttons).length > 0;
  const taskId = hasCard ? newTaskId(reply.pollId) : undefined;
  try {
    if (taskId) await env.channel.client.replyTemplateCard(frame, replyCard(reply, taskId));
    // Markdown in a stream that finishes at once: the documented reply to a message (20480 bytes, more than the core writes).
    else await env.channel.client.replyStream(frame, generateReqId('stream'), markdownSafe(reply.text), true);
  } catch (err) {
    if (isPermanent(err)) throw err;
    // The socket dropped (or the ack never came): the reply goes as a proactive message once reconnected.
    env.logger.warn('wecom: reply not acknowledged; sending it proactively', { chatId, ...describe(err) });
    await later(env, chatId, reply);
    return;
  }
  if (taskId && reply.pollId !== undefined) await rememberCard(env, reply.pollId, chatId, taskId);
}

async function later(env: WecomEnv, chatId: string, reply: Reply): Promise<void> {
  const { bodies, taskId } = bodiesOf(reply.text, reply.buttons, reply.pollId);
  await env.later.send(chatId, bodies);
  if (taskId && reply.pollId !== undefined) await rememberCard(env, reply.pollId, chatId, taskId);
}

async function sendPrivately(env: WecomEnv, body: CallbackBody, reply: Reply): Promise<void> {
  try {
    await later(env, body.from.userid, reply);
  } catch (err) {
    // Not reachable privately: say so in the group, never the content.
    env.logger.info('wecom: private reply impossible, noting it in the group', { userid: body.from.userid, ...describe(err) });
    await later(env, chatOf(body).platformChatId, { text: t(undefined, 'wecom.privateUnavailable', { name: body.from.userid }) });
  }
}

async function rememberCard(env: WecomEnv, pollId: number, chatId: string, taskId: string): Promise<void> {
  try {
    await env.core.setPollMessage(pollId, chatId, taskId);
  } catch (err) {
    env.logger.warn('wecom: could not remember the ballot card', { pollId, ...describe(err) });
  }
}

/** WeCom's smart bot takes no file: a result picture or a notice goes as a signed link after the text. */
export async function withFileLink(env: Pick<WecomEnv, 'core' | 'logger'>, reply: Reply): Promise<Reply> {
  if (!reply.attachment || !env.core.attachmentLink) return reply;
  try {
    return { ...reply, text: `${reply.text}\n${await env.core.attachmentLink(reply.attachment)}` };
  } catch (err) {
    env.logger.warn('wecom: no link to the file', describe(err));
    return reply;
  }
}
