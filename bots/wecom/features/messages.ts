/** Text messages (an @-mention in a group, anything in a direct chat) go to the core as commands. */
import type { Frame, WecomEnv } from '../env.js';
import { handleStored, incomingOf } from '../env.js';
import { deliver } from '../deliver.js';
import { describe } from '../errors.js';
import { commandText } from '../text.js';

/** The text of a text, mixed (text with pictures) or voice (transcribed) message; undefined for others. */
export function textOf(body: Record<string, unknown>): string | undefined {
  const b = body as { msgtype?: string; text?: { content?: string }; voice?: { content?: string }; mixed?: { msg_item?: { msgtype: string; text?: { content?: string } }[] } };
  if (b.msgtype === 'text') return b.text?.content;
  if (b.msgtype === 'voice') return b.voice?.content;
  if (b.msgtype === 'mixed') return b.mixed?.msg_item?.filter((i) => i.msgtype === 'text').map((i) => i.text?.content ?? '').join('\n');
  return undefined;
}

export async function onMessage(env: WecomEnv, frame: Frame): Promise<void> {
  const body = frame.body;
  if (!body?.msgid || !body.from?.userid) return;
  const raw = textOf(body);
  if (raw === undefined) return;
  const text = commandText(raw);
  if (!text) return;
  const log = env.logger.child({ msgid: body.msgid, chatId: body.chatid ?? body.from.userid });
  const incoming = incomingOf(body, { text }, 'm');
  const outcome = await handleStored(env.core, incoming);
  if (outcome.duplicate || outcome.ignored) return;
  // The user logged here is what `yishi role grant <slug> wecom:<user> staff` needs.
  log.info('wecom command', { user: incoming.sender.platformUserId, command: text.split(/\s/, 1)[0], refused: outcome.errorCode });
  try {
    await deliver(env, frame, outcome);
  } catch (err) {
    log.error('wecom: replies failed', describe(err));
  }
}
