/**
 * The vote storm's ceiling: a bare poller that answers every callback query and stores nothing.
 * getUpdates with the offset of the last batch, the batch's answers sent at once, then the next
 * getUpdates (which confirms the batch), over kept-alive HTTP. Env: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT.
 */
import { lightFetch } from '../../bots/telegram/http.js';

const base = `${process.env.TELEGRAM_API_ROOT}/bot${process.env.TELEGRAM_BOT_TOKEN}`;
const fetchJson = lightFetch(globalThis.fetch as never);
let running = true;
process.once('SIGTERM', () => {
  running = false;
});

async function call(method: string, payload: unknown): Promise<any> {
  const res = await fetchJson(`${base}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  return res.json();
}

async function main() {
  let offset = 0;
  while (running) {
    const r = await call('getUpdates', { offset, timeout: 1, limit: 100 }).catch(() => ({ ok: false }));
    if (!r.ok) continue;
    const updates = r.result as Array<{ update_id: number; callback_query?: { id: string } }>;
    await Promise.all(updates.filter((u) => u.callback_query).map((u) => call('answerCallbackQuery', { callback_query_id: u.callback_query!.id }).catch(() => undefined)));
    if (updates.length) offset = updates.at(-1)!.update_id + 1;
  }
  await call('getUpdates', { offset, timeout: 0, limit: 1 }).catch(() => undefined);
  process.exit(0);
}
void main();
