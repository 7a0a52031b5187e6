/**
 * Messages: commands (`/cmd`, `/cmd@Bot` in any letter case) and Chinese aliases (`提议 …`) in a text
 * or in a photo's (or file's) caption go to the core as text; in a forum topic, with the topic. A
 * group upgraded to a supergroup (migrate_to_chat_id / migrate_from_chat_id) is told to the core.
 * Edited messages are not handled: editing a command does not run it again.
 */
import { Composer, type Context } from 'grammy';
import type { ChatFate } from '../chats.js';
import type { DeliverEnv } from '../deliver.js';
import { deliver, deliveryOf } from '../deliver.js';
import { commandText, incoming, onBehalfOfChat } from '../incoming.js';
import type { LiveEdits } from '../live-edits.js';
import type { UpdateStore } from '../store.js';

export function messagesFeature(env: DeliverEnv & { liveEdits: LiveEdits; store: UpdateStore; fate: ChatFate }): Composer<Context> {
  const feature = new Composer<Context>();
  feature.on(['message:text', 'message:caption'], async (ctx) => {
    const { message } = ctx;
    const anonymous = onBehalfOfChat(message);
    // Other bots have no person behind them; anonymous admins and channels are told to the core as such.
    if (message.from.is_bot && !anonymous) return;
    const text = commandText(message.text ?? message.caption ?? '', ctx.me.username);
    if (text === undefined) return;
    const threadId = message.is_topic_message ? message.message_thread_id : undefined;
    // A late update from a group known to have moved to a supergroup counts for the new id.
    const moved = env.lanes.resolve(String(message.chat.id));
    const chat = moved === String(message.chat.id) ? message.chat : { ...message.chat, id: Number(moved) };
    const origin = { messageId: message.message_id, threadId, anonymous };
    const inc = incoming(ctx.update.update_id, chat, message.from, { text }, { threadId, anonymous, replyToText: message.reply_to_message?.text ?? message.reply_to_message?.caption });
    // A throw here (database down) leaves the update unacknowledged, to be retried.
    const outcome = await env.store.handle(ctx.update.update_id, { ...inc, delivery: deliveryOf(chat, message.from, origin) });
    if (outcome.duplicate || outcome.ignored) return;
    deliver(env, outcome, chat, message.from, origin, inc.updateKey);
    env.liveEdits.touch(outcome.changedPollIds);
  });
  // Both service messages carry both ids; the first seen moves the chat, the second changes nothing.
  feature.on('message:migrate_to_chat_id', async (ctx) => {
    await env.fate.migrated(String(ctx.message.chat.id), String(ctx.message.migrate_to_chat_id));
  });
  feature.on('message:migrate_from_chat_id', async (ctx) => {
    await env.fate.migrated(String(ctx.message.migrate_from_chat_id), String(ctx.message.chat.id));
  });
  return feature;
}
