/**
 * Findings 6 and 7: `?ok=` text was echoed on the item page (content spoofing); oversized ids reached
 * the database and answered 500, each logged as an error; /readyz told anyone which dependency was down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import type { Logger } from '../../../src/lib/logger.js';
import { opsRoutes } from '../../../src/web/ops.js';
import { makeWorld, say } from '../../core/helpers.js';
import { freshDatabase } from '../../support/services.js';
import { Browser, linkFor, webApp } from '../support.js';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** A logger that keeps its errors. */
function recording(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const l: any = { errors, debug() {}, info() {}, warn() {}, error: (m: string) => errors.push(m), child: () => l };
  return l;
}

describe('what the page says and which ids it takes', () => {
  it('says what an action did from a fixed key and never echoes the query string', async () => {
    const w = await makeWorld(database);
    await say(w, 'ann', '/suggest 东门路灯坏了');
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    const spoof = '会话已过期，请到 http://evil.example/login 重新登录';
    const page = await (await b.request(`/c/${w.slug}/items/1?ok=${encodeURIComponent(spoof)}`)).text();
    expect(page).not.toContain('evil.example');
    expect(page).not.toContain('会话已过期');
    expect(page).not.toContain('class="ok"');
    const ok = await (await b.request(`/c/${w.slug}/items/1?ok=progress`)).text();
    expect(ok).toContain('<p class="ok">已记录进度。</p>');
  });

  it('answers 404 to ids out of range on every route that takes one, without an error logged', async () => {
    const w = await makeWorld(database);
    await say(w, 'ann', '/suggest 东门路灯坏了');
    const logger = recording();
    const b = new Browser(webApp(w, { logger }));
    await b.signIn(await linkFor(w, 'staff'));
    const csrf = await b.csrf(`/c/${w.slug}/items/1`);
    const big = '99999999999999';
    for (const path of [`/c/${w.slug}/items/${big}`, `/c/${w.slug}/items/${big}/notice.pdf`, `/c/${w.slug}/polls/${big}/chart.png`, `/c/${w.slug}/polls/${big}/chart.svg`, `/c/${w.slug}/items/1234567890`]) {
      expect((await b.request(path)).status, path).toBe(404);
    }
    expect((await b.request(`/c/${w.slug}/items/${big}/progress`, { form: { percent: '10', text: 'x', _csrf: csrf } })).status).toBe(404);
    // In range but absent: 404 as well.
    expect((await b.request(`/c/${w.slug}/items/999999999`)).status).toBe(404);
    expect(logger.errors).toEqual([]);
  });

  it('tells only whether it is ready unless asked with the metrics token', async () => {
    const token = 'metrics-token-0123456789';
    const ops = opsRoutes({ metricsToken: token, checks: { database: async () => true, redis: async () => false } });
    const anon = await ops.request('/readyz');
    expect(anon.status).toBe(503);
    expect(await anon.json()).toEqual({ ready: false });
    const wrong = await ops.request('/readyz', { headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(await wrong.json()).toEqual({ ready: false });
    const told = await ops.request('/readyz', { headers: { authorization: `Bearer ${token}` } });
    expect(await told.json()).toEqual({ ready: false, checks: { database: 'ok', redis: 'failing' } });
    const noToken = opsRoutes({ checks: { database: async () => true } });
    expect(await (await noToken.request('/readyz')).json()).toEqual({ ready: true });
  });
});
