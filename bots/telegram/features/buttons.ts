/** Button presses on ballots and ratings: record through the core, then always answer the query. */
import { Composer, type Context } from 'grammy';
import { t } from '../../../src/i18n/index.js';
import type { DeliverEnv } from '../deliver.js';
import { deliver } from '../deliver.js';
import { describe, isStaleQuery } from '../errors.js';
import { incoming } from '../incoming.js';
import type { LiveEdits } from '../live-edits.js';
import type { UpdateStore } from '../store.js';
import { MAX_TOAST_LENGTH, safeText } from '../render.js';

export function buttonsFeature(env: DeliverEnv & { liveEdits: LiveEdits; store: UpdateStore }): Composer<Context> {
  const feature = new Composer<Context>();
  // Queries this process has answered: a re-delivered press needs no second answer (Telegram refuses it).
  const answered = new RecentSet(10000);
  feature.on('callback_query', async (ctx) => {
    const query = ctx.callbackQuery;
    const lang = query.from.language_code;
    const answer = async (text?: string) => {
      try {
        await ctx.answerCallbackQuery(text ? { text: safeText(text, MAX_TOAST_LENGTH) } : {});
        answered.add(query.id);
      } catch (err) {
        // A re-delivered or slow press: the spinner is gone already; the press itself was handled.
        if (isStaleQuery(err)) env.logger.debug('callback answered late or twice', describe(err));
        else env.logger.warn('answerCallbackQuery failed', describe(err));
      }
    };
    const chat = query.message?.chat;
    if (!query.data || !chat || query.from.is_bot) {
      await answer(t(lang, 'telegram.pressUnavailable'));
      return;
    }
    // A throw here leaves the press unanswered and unacknowledged, to be retried.
    const outcome = await env.store.handle(ctx.update.update_id, incoming(ctx.update.update_id, chat, query.from, { button: query.data }));
    // A duplicate whose first delivery this process answered: nothing to do. One answered before a restart
    // (or never) is answered now; a late second answer is merely refused by Telegram.
    if (outcome.duplicate && answered.has(query.id)) return;
    await answer(outcome.toast ?? (outcome.errorCode ? t(lang, 'telegram.pressFailed') : undefined));
    if (outcome.duplicate) return;
    deliver(env, outcome, chat, query.from);
    env.liveEdits.touch(outcome.changedPollIds);
  });
  return feature;
}

/** The last `cap` strings added, oldest forgotten first. */
class RecentSet {
  private readonly items = new Set<string>();
  constructor(private readonly cap: number) {}
  add(v: string): void {
    this.items.delete(v);
    this.items.add(v);
    if (this.items.size > this.cap) this.items.delete(this.items.values().next().value!);
  }
  has(v: string): boolean {
    return this.items.has(v);
  }
}
