/** Text messages: commands (`/cmd`, `/cmd@Bot`) and Chinese aliases (`提议 …`) go to the core as text. */
import { Composer, type Context } from 'grammy';
import type { DeliverEnv } from '../deliver.js';
import { deliver } from '../deliver.js';
import { commandText, incoming } from '../incoming.js';
import type { LiveEdits } from '../live-edits.js';
import type { UpdateStore } from '../store.js';

export function messagesFeature(env: DeliverEnv & { liveEdits: LiveEdits; store: UpdateStore }): Composer<Context> {
  const feature = new Composer<Context>();
  feature.on('message:text', async (ctx) => {
    const { message } = ctx;
    // Bots and anonymous admins (GroupAnonymousBot) have no stable person behind them.
    if (message.from.is_bot || message.sender_chat) return;
    const text = commandText(message.text, ctx.me.username);
    if (text === undefined) return;
    // A throw here (database down) leaves the update unacknowledged, to be retried.
    const outcome = await env.store.handle(ctx.update.update_id, incoming(ctx.update.update_id, message.chat, message.from, { text }));
    if (outcome.duplicate || outcome.ignored) return;
    await deliver(env, outcome, message.chat, message.from, message.message_id);
    env.liveEdits.touch(outcome.changedPollIds);
  });
  return feature;
}
