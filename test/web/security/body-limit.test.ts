/**
 * Finding 2: POST /signin read an unbounded body before any check (six 300 MB requests took the process
 * to 3 GiB). Now every route has a body limit, checked on Content-Length before a byte is read and while
 * reading a body sent without one: 413, nothing parsed, nothing changed.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { startWeb, type RunningWeb } from '../../../src/web/server.js';
import { config, makeWorld, say } from '../../core/helpers.js';
import { freshDatabase } from '../../support/services.js';
import { auditActions, Browser, linkFor, webApp } from '../support.js';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

const FIVE_MB = 5 * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 'a');

/** POSTs `size` bytes (one reused chunk, so the sender's memory stays flat), with or without Content-Length. */
function post(url: string, size: number, chunked: boolean): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (!chunked) headers['content-length'] = size;
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 });
      req.destroy();
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    let sent = 0;
    const write = () => {
      while (sent < size && !req.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', write);
      }
      if (!req.destroyed) req.end();
    };
    write();
  });
}

describe('request bodies', () => {
  it('refuses a 5 MB sign-in body fast with 413, with or without Content-Length, and memory stays flat', async () => {
    const w = await makeWorld(database);
    let web: RunningWeb | undefined;
    try {
      web = await startWeb({ config: { ...config, YISHI_WEB_PORT: 0 }, database: w.database, now: w.clock.now });
      global.gc?.();
      const before = process.memoryUsage().rss;
      for (let i = 0; i < 6; i++) {
        const r = await post(`${web.url}/signin`, FIVE_MB, i % 2 === 1);
        expect(r.status).toBe(413);
        expect(r.ms).toBeLessThan(3000);
      }
      const grown = process.memoryUsage().rss - before;
      expect(grown, `RSS grew by ${Math.round(grown / 2 ** 20)} MiB`).toBeLessThan(50 * 2 ** 20);
      // A sign-in of normal size still gets its answer (the form token is missing here: 403).
      expect((await post(`${web.url}/signin`, 100, false)).status).toBe(403);
    } finally {
      await web?.stop();
    }
  });

  it('limits the staff forms too: an oversized progress report is 413 and changes nothing', async () => {
    const w = await makeWorld(database);
    await say(w, 'ann', '/suggest 东门路灯坏了');
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    const csrf = await b.csrf(`/c/${w.slug}`);
    const before = await auditActions(w);
    const big = await b.request(`/c/${w.slug}/items/1/progress`, { form: { percent: '40', text: '很'.repeat(20_000), _csrf: csrf } });
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('提交的内容太大');
    expect((await b.request('/signout', { form: { _csrf: csrf, pad: 'x'.repeat(40_000) } })).status).toBe(413);
    expect((await b.request(`/c/${w.slug}`)).status).toBe(200);
    expect(await auditActions(w)).toEqual(before);
  });
});
