/**
 * Ballots and ratings as WeCom button-interaction template cards: one button per choice (its key is
 * the core's Button.data), the live counts in the card's text. Pure.
 */
import type { TemplateCard } from '@wecom/aibot-node-sdk';
import { randomBytes } from 'node:crypto';
import type { Button, Reply } from '../../src/kernel/types.js';
import { clip, stripUnsafe } from '../../src/domain/text.js';
import { t } from '../../src/i18n/index.js';
import { cardLine } from './text.js';

/** WeCom: "button_list 列表长度不超过 6"; key at most 1024 bytes; task_id [0-9a-zA-Z_-@], at most 128 bytes. */
export const MAX_CARD_BUTTONS = 6;
const TITLE_CHARS = 26;
const SUBTITLE_CHARS = 300;
const BUTTON_CHARS = 10;

/** A task id unique to this bot (WeCom refuses a repeated one): the poll, then time and randomness. */
export function newTaskId(pollId?: number): string {
  return `yishi-${pollId ?? 'x'}-${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** The buttons of a reply that fit a card, in order. */
export function cardButtons(buttons: Button[][] | undefined): Button[] {
  return (buttons ?? []).flat().filter((b) => b.label.trim() && Buffer.byteLength(b.data, 'utf8') <= 1024).slice(0, MAX_CARD_BUTTONS);
}

/**
 * The card of a reply with buttons (a ballot with its counts). `note` is said first, for the one who
 * pressed ("已投：同意"). A poll that has closed keeps its counts and gets one inert "closed" button.
 */
export function replyCard(reply: Reply, taskId: string, opts: { note?: string; lang?: string } = {}): TemplateCard {
  const [first = '', ...rest] = reply.text.split('\n').filter((l) => l.trim());
  const title = cardLine(first, TITLE_CHARS);
  const lines = [...(opts.note ? [opts.note] : []), ...(title !== cardLine(first, 1000) ? [first] : []), ...rest];
  const buttons = cardButtons(reply.buttons);
  const buttonList = buttons.length
    ? buttons.map((b) => ({ text: cardLine(b.label, BUTTON_CHARS), key: b.data, style: 1 }))
    : [{ text: t(opts.lang, 'wecom.closed'), key: `closed:${reply.pollId ?? 0}`, style: 2 }];
  return {
    card_type: 'button_interaction',
    main_title: { title },
    sub_title_text: clip(stripUnsafe(lines.join('\n')), SUBTITLE_CHARS) || undefined,
    button_list: buttonList,
    task_id: taskId,
  };
}

/** A card that only says `note` (a press whose ballot cannot be shown: forged, or the poll is unknown). */
export function noticeCard(note: string, taskId: string, lang?: string): TemplateCard {
  return {
    card_type: 'button_interaction',
    main_title: { title: cardLine(note, TITLE_CHARS) },
    sub_title_text: cardLine(note, SUBTITLE_CHARS),
    button_list: [{ text: t(lang, 'wecom.closed'), key: 'closed:0', style: 2 }],
    task_id: taskId,
  };
}
