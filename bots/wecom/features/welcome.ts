/** A user opens the direct chat with the bot (first time that day): welcome them with the help text. */
import { handleStored, incomingOf, type Frame, type WecomEnv } from '../env.js';
import { describe } from '../errors.js';
import { markdownSafe } from '../text.js';

export async function onEnterChat(env: WecomEnv, frame: Frame): Promise<void> {
  const body = frame.body;
  if (!body?.msgid || !body.from?.userid) return;
  const outcome = await handleStored(env.core, incomingOf({ ...body, chattype: 'single' }, { text: '/help' }, 'e'));
  const text = outcome.replies[0]?.text;
  if (outcome.duplicate || !text) return;
  try {
    // A welcome must be sent within 5 s of the event; a plain text welcome is what WeCom documents.
    await env.channel.client.replyWelcome(frame, { msgtype: 'text', text: { content: markdownSafe(text) } });
  } catch (err) {
    env.logger.warn('wecom: welcome not sent', describe(err));
  }
}
