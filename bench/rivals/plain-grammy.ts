/**
 * The vote storm's first rival: what one writes with grammY and no database. Votes live in a Map;
 * every press is answered. Built-in long polling (bot.start), as grammY's guide shows it.
 * Env: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT.
 */
import { Bot } from 'grammy';

const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN!, { client: { apiRoot: process.env.TELEGRAM_API_ROOT } });
const votes = new Map<number, string>();
const labels = ['同意', '反对', '弃权'];

bot.on('callback_query:data', async (ctx) => {
  const k = Number(ctx.callbackQuery.data.split(':').at(-1));
  const changed = votes.has(ctx.from.id);
  votes.set(ctx.from.id, ctx.callbackQuery.data);
  await ctx.answerCallbackQuery({ text: `${changed ? '已改投' : '已投'}：${labels[k - 1] ?? k}` });
});
// A re-delivered press gets "query is too old" from Telegram: log-free, as a small bot would.
bot.catch(() => {});
process.once('SIGTERM', () => void bot.stop());
void bot.start({ allowed_updates: ['message', 'callback_query'] });
