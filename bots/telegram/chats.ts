/**
 * What becomes of a group the bot is in, told to the core: upgraded to a supergroup (a new id: the
 * binding, polls and pending messages follow, open ballots are posted again there) or closed to the
 * bot (removed, kicked, no right to write: marked inactive, nothing more is sent there).
 */
import type { Core } from '../../src/kernel/types.js';
import type { Logger } from '../../src/lib/logger.js';
import type { ReplyLanes } from './replies.js';
import { inlineKeyboard } from './render.js';

export class ChatFate {
  lanes?: ReplyLanes;

  constructor(private readonly env: { core: Core; logger: Logger }) {}

  /** The group `fromChatId` is now `toChatId`. Idempotent: only the first call posts the ballots again. */
  async migrated(fromChatId: string, toChatId: string): Promise<void> {
    const { openPollIds } = await this.env.core.migrateChat('telegram', fromChatId, toChatId);
    this.lanes?.move(fromChatId, toChatId);
    this.env.logger.info('group upgraded to a supergroup; it follows the new id', { from: fromChatId, to: toChatId, openPolls: openPollIds.length });
    for (const pollId of openPollIds) {
      const view = await this.env.core.ballotView(pollId);
      if (!view) continue;
      const markup = inlineKeyboard(view.buttons);
      this.lanes?.post(toChatId, { text: view.text, ...(markup.inline_keyboard.length ? { reply_markup: markup } : {}), pollId, who: '', mergeable: false });
    }
  }

  /** The bot may not write in `chatId` (reason: 'kicked', 'left', 'restricted', 'no_rights', …). */
  async gone(chatId: string, reason: string): Promise<void> {
    await this.env.core.setChatActive('telegram', chatId, false, reason);
  }

  /** The bot was added back or may write again. */
  async back(chatId: string): Promise<void> {
    await this.env.core.setChatActive('telegram', chatId, true);
  }
}
