/**
 * One web app, many owners of its paths: the resident pages (/v, /page, /f, /wechat-mp/oauth, their
 * stylesheet), adapters' mounts (/wechat-mp), sign-in, the staff's /c/<slug>, the street views /o/<slug>
 * and the operators' queue board. Each path reaches its owner, and the app keeps Hono's RegExpRouter: a
 * static segment beside a parameter once made it fall back to the trie router, which misrouted the
 * staff's chart.:ext (commit 9a52c97).
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { WebMounts } from '../../src/lib/web-mounts.js';
import { grantOperator } from '../../src/sessions/operators.js';
import { RESIDENT_STYLESHEET } from '../../src/web/resident/style.js';
import { STYLESHEET_PATH } from '../../src/web/style.js';
import { makeWorld, say } from '../core/helpers.js';
import { freshDatabase, redisUrl, uniqueName } from '../support/services.js';
import { Browser, linkFor, webApp } from './support.js';
import { enter, personalLink } from './resident-support.js';

let database: Database;
let queue: Queue;
beforeAll(async () => {
  database = await freshDatabase();
  const u = new URL(redisUrl());
  queue = new Queue(uniqueName('routing'), { connection: { host: u.hostname, port: Number(u.port) } });
});
afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => {});
  await queue?.close();
  await database?.close();
});

describe('the web app\'s routes', () => {
  it('reach their owners in order, on the RegExpRouter', async () => {
    const w = await makeWorld(database);
    await say(w, 'ann', '/suggest 东门路灯坏了');
    await say(w, 'staff', '/poll 1');
    await say(w, 'ann', '/vote 1 1');
    await say(w, 'staff', '/close 1');
    await grantOperator(database.db, { platform: 'telegram', platformUserId: `staff-${w.slug}` }, 'read', w.clock.now());
    const mounted: string[] = [];
    const mounts = new WebMounts();
    mounts.mount('/wechat-mp', (req) => (mounted.push(new URL(req.url).pathname), new Response('success')));
    const app = webApp(w, { core: w.core, mounts, queues: [queue] });
    const anon = new Browser(app);

    // Before any session: the stylesheets, health, the callback (to its mount), WeChat's return (to the resident pages).
    expect((await anon.request(STYLESHEET_PATH)).status).toBe(200);
    expect((await anon.request(RESIDENT_STYLESHEET)).status).toBe(200);
    expect((await anon.request('/healthz')).status).toBe(200);
    expect(await (await anon.request('/wechat-mp?x=1', { method: 'POST', body: '<xml/>' })).text()).toBe('success');
    expect((await anon.request('/wechat-mp/oauth')).status).toBe(404);
    expect(mounted).toEqual(['/wechat-mp']);
    // The resident pages answer without a staff session; the staff's ask for one.
    expect((await anon.request(`/v/${w.slug}`)).status).toBe(200);
    expect((await anon.request(`/v/${w.slug}/1`)).status).toBe(200);
    expect((await anon.request(`/v/${w.slug}/new`)).status).toBe(200);
    expect(await (await anon.request(`/v/${w.slug}/nope/deeper`)).text()).not.toContain('signin');
    expect((await anon.request('/page/nope')).status).toBe(410);
    expect((await anon.request(`/c/${w.slug}`)).status).toBe(401);
    expect((await anon.request('/o/some-street')).status).toBe(401);
    expect((await anon.request('/admin/queues')).status).toBe(401);

    // A resident: their pages, signed file links; still no staff page.
    const resident = new Browser(app);
    expect((await enter(resident, await personalLink(w, 'ann'))).status).toBe(303);
    const item = await (await resident.request(`/v/${w.slug}/1`)).text();
    const file = /href="(\/f\/chart\/[^"]+)"/.exec(item)![1]!;
    expect((await resident.request(file)).headers.get('content-type')).toBe('image/png');
    expect((await resident.request(`/c/${w.slug}`)).status).toBe(401);

    // Staff: the board, the chart by its extension, the street view (403: not theirs), the queue board.
    const staff = new Browser(app);
    await staff.signIn(await linkFor(w, 'staff'));
    expect((await staff.request(`/c/${w.slug}`)).status).toBe(200);
    expect((await staff.request(`/c/${w.slug}/polls/1/chart.png`)).headers.get('content-type')).toBe('image/png');
    expect((await staff.request(`/c/${w.slug}/polls/1/chart.svg`)).headers.get('content-type')).toContain('image/svg+xml');
    expect((await staff.request('/o/no-such-street')).status).toBe(403);
    expect((await staff.request('/admin/queues')).status).toBe(200);

    expect((app as unknown as { router: { name: string } }).router.name).toBe('SmartRouter + RegExpRouter');
  });
});
