/**
 * Card presses (template_card_event): the press goes to the core as a button, then within WeCom's 5 s
 * the card is updated: for everyone with the live counts, and for the presser with what was recorded.
 */
import type { TemplateCard } from '@wecom/aibot-node-sdk';
import { t } from '../../../src/i18n/index.js';
import { noticeCard, replyCard } from '../cards.js';
import { chatOf, handleStored, incomingOf, type Frame, type WecomEnv } from '../env.js';
import { bodiesOf } from '../sender.js';
import { describe } from '../errors.js';

interface PressEvent {
  eventtype?: string;
  event_key?: string;
  task_id?: string;
  template_card_event?: { event_key?: string; task_id?: string };
}

/** WeCom's docs put the press under event.template_card_event; the SDK's type reads event.event_key: both are accepted. */
export function pressOf(event: PressEvent | undefined): { key: string; taskId: string } | undefined {
  const key = event?.template_card_event?.event_key ?? event?.event_key;
  const taskId = event?.template_card_event?.task_id ?? event?.task_id;
  return key && taskId ? { key, taskId } : undefined;
}

/** The poll a ballot button or a card's task id belongs to (`v:12:1`, `yishi-12-…`). */
export const pollOfKey = (key: string) => Number(/^[vr]:(\d+):/.exec(key)?.[1] ?? NaN);
export const pollOfTask = (taskId: string) => Number(/^yishi-(\d+)-/.exec(taskId)?.[1] ?? NaN);

export async function onPress(env: WecomEnv, frame: Frame): Promise<void> {
  const body = frame.body;
  if (!body?.msgid || !body.from?.userid) return;
  const press = pressOf(body.event as PressEvent | undefined);
  if (!press) return;
  const log = env.logger.child({ msgid: body.msgid, chatId: chatOf(body).platformChatId, taskId: press.taskId });
  const update = async (card: TemplateCard, userids?: string[]) => {
    try {
      await env.channel.client.updateTemplateCard(frame, card, userids);
    } catch (err) {
      log.warn('wecom: card update failed', describe(err));
    }
  };
  const pollId = pollOfKey(press.key);
  // A card shows one poll: a key of another poll on it is forged, and must not show that poll here.
  const sameCard = Number.isFinite(pollId) && pollId === pollOfTask(press.taskId);

  if (press.key.startsWith('closed:')) {
    const cardPoll = pollOfTask(press.taskId);
    const view = Number.isFinite(cardPoll) ? await env.core.ballotView(cardPoll).catch(() => undefined) : undefined;
    await update(view ? replyCard(view, press.taskId) : noticeCard(t(undefined, 'wecom.closed'), press.taskId), [body.from.userid]);
    return;
  }

  const outcome = await handleStored(env.core, incomingOf(body, { button: press.key }, 'e'));
  const note = outcome.duplicate ? undefined : outcome.toast ?? (outcome.errorCode ? t(undefined, 'wecom.notRecorded') : undefined);
  const view = sameCard ? await env.core.ballotView(pollId).catch(() => undefined) : undefined;
  if (view) {
    // Everyone's card gets the counts; then the presser's gets the counts and what was recorded.
    await update(replyCard(view, press.taskId));
    if (note) await update(replyCard(view, press.taskId, { note }), [body.from.userid]);
  } else {
    await update(noticeCard(note ?? t(undefined, 'wecom.notRecorded'), press.taskId), [body.from.userid]);
  }
  if (outcome.duplicate) return;
  for (const reply of outcome.replies) {
    const { bodies } = bodiesOf(reply.text, reply.buttons, reply.pollId);
    await env.later.send(chatOf(body).platformChatId, bodies).catch((err) => log.error('wecom: a reply to a press was not delivered', describe(err)));
  }
}
