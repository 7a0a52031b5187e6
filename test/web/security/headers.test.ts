/**
 * Finding 5: no security headers on pages, exports, charts or the queue board. Now every kind of
 * response carries them: a CSP without inline script, no framing, nosniff, a referrer policy (none from
 * the sign-in pages), no-store, and HSTS when the page's own URL is https.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { grantOperator } from '../../../src/sessions/operators.js';
import { STYLESHEET_PATH } from '../../../src/web/style.js';
import { config, makeWorld, say, type World } from '../../core/helpers.js';
import { freshDatabase, redisUrl, uniqueName } from '../../support/services.js';
import { Browser, linkFor, webApp } from '../support.js';

let database: Database;
let queue: Queue;
beforeAll(async () => {
  database = await freshDatabase();
  const u = new URL(redisUrl());
  queue = new Queue(uniqueName('headers'), { connection: { host: u.hostname, port: Number(u.port) } });
});
afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => {});
  await queue?.close();
  await database?.close();
});

async function closedVote(w: World): Promise<void> {
  await say(w, 'ann', '/suggest 东门路灯坏了');
  await say(w, 'staff', '/poll 1');
  for (const who of ['ann', 'bo', 'cy']) await say(w, who, '/vote 1 1');
  await say(w, 'staff', '/close 1');
}

function expectHardened(name: string, res: Response, opts: { signIn?: boolean; cached?: boolean; board?: boolean } = {}) {
  const h = (k: string) => res.headers.get(k) ?? '';
  const csp = h('content-security-policy');
  expect(csp, `${name}: CSP`).toContain("frame-ancestors 'none'");
  expect(csp, `${name}: CSP`).toMatch(opts.board ? /script-src 'self'(;|$)/ : /default-src 'none'/);
  expect(csp, `${name}: no inline script`).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  if (!opts.board) expect(csp, `${name}: no inline <style>`).toMatch(/style-src 'self'(;|$)/);
  expect(h('x-content-type-options'), `${name}: nosniff`).toBe('nosniff');
  expect(h('x-frame-options'), `${name}: framing`).toBe('DENY');
  expect(h('referrer-policy'), `${name}: referrer`).toBe(opts.signIn ? 'no-referrer' : 'same-origin');
  if (!opts.cached) expect(h('cache-control'), `${name}: no-store`).toBe('no-store');
  expect(h('strict-transport-security'), `${name}: no HSTS over http`).toBe('');
}

describe('security headers', () => {
  it('are on every kind of response: pages, sign-in, redirects, errors, exports, charts, the queue board', async () => {
    const w = await makeWorld(database);
    await closedVote(w);
    const other = await makeWorld(database);
    await grantOperator(database.db, { platform: 'telegram', platformUserId: `staff-${w.slug}` }, 'read', w.clock.now());
    const app = webApp(w, { queues: [queue], notify: () => { throw new Error('listener failed'); } });
    const anon = new Browser(app);
    const b = new Browser(app);
    const token = await linkFor(w, 'staff');

    expectHardened('sign-in page', await anon.request(`/signin/${token}`), { signIn: true });
    expectHardened('unknown link', await anon.request('/signin/nope'), { signIn: true });
    expectHardened('sign-in without form token', await anon.request('/signin', { form: { token } }), { signIn: true });
    expectHardened('sign-in redirect', await b.signIn(token), { signIn: true });
    expectHardened('too large', await anon.request('/signin', { form: { token: 'x'.repeat(10_000) } }), { signIn: true });
    expectHardened('sign-in needed (401)', await anon.request(`/c/${w.slug}`));
    expectHardened('health', await anon.request('/healthz'));
    const style = await anon.request(STYLESHEET_PATH);
    expectHardened('stylesheet', style, { cached: true });
    expect(style.headers.get('content-type')).toContain('text/css');

    const csrf = await b.csrf(`/c/${w.slug}`);
    const pages: [string, string][] = [
      ['home redirect', '/'],
      ['board', `/c/${w.slug}`],
      ['item', `/c/${w.slug}/items/1`],
      ['calendar', `/c/${w.slug}/calendar`],
      ['whistles', `/c/${w.slug}/whistles`],
      ['points', `/c/${w.slug}/points`],
      ['not found', `/c/${w.slug}/items/77`],
      ['forbidden', `/c/${other.slug}`],
      ['csv', `/c/${w.slug}/export.csv`],
      ['xlsx', `/c/${w.slug}/export.xlsx`],
      ['chart png', `/c/${w.slug}/polls/1/chart.png`],
      ['chart svg', `/c/${w.slug}/polls/1/chart.svg`],
      ['notice pdf', `/c/${w.slug}/items/1/notice.pdf`],
    ];
    for (const [name, path] of pages) {
      const res = await b.request(path);
      expect(res.status, name).toBeLessThan(500);
      expectHardened(name, res);
    }
    expectHardened('no form token (403)', await b.request(`/c/${w.slug}/items/1/close`, { form: {} }));
    // A listener that throws after the commit: the 500 carries them too.
    const failed = await b.request(`/c/${w.slug}/items/1/done`, { form: { _csrf: csrf } });
    expect(failed.status).toBe(500);
    expectHardened('internal error', failed);

    const board = await b.request('/admin/queues');
    expect(board.status).toBe(200);
    expectHardened('queue board', board, { board: true });
    expectHardened('queue API', await b.request('/admin/queues/api/queues'), { board: true });
    const asset = /src="(static\/js\/[^"]+)"/.exec(await board.text())?.[1];
    expect(asset).toBeTruthy();
    expectHardened('queue board script', await b.request(`/admin/queues/${asset}`), { board: true });
    expectHardened('read-only refusal', await b.request(`/admin/queues/api/queues/${queue.name}/pause`, { method: 'PUT', headers: { origin: 'http://localhost' } }), { board: true });
  });

  it('add HSTS when the page is served over https', async () => {
    const w = await makeWorld(database);
    const app = webApp(w, { config: { ...config, YISHI_WEB_URL: 'https://yishi.example' } });
    for (const path of ['/signin/nope', `/c/${w.slug}`, '/healthz']) {
      expect((await app.request(path)).headers.get('strict-transport-security'), path).toBe('max-age=31536000');
    }
  });
});
