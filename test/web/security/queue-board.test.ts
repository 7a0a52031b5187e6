/**
 * Finding 1: any staff member of any community controlled every community's queues. Now only operators
 * (`yishi operator grant`) open the board, read-only unless granted write; everyone else gets 403.
 */
import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { runInProcess } from '../../admin/run.js';
import { grantStaff, makeWorld, uid } from '../../core/helpers.js';
import { freshDatabase, redisUrl, tempDir, uniqueName } from '../../support/services.js';
import { Browser, linkFor, webApp } from '../support.js';

let database: Database & { url: string };
let queue: Queue;
beforeAll(async () => {
  database = await freshDatabase();
  const u = new URL(redisUrl());
  queue = new Queue(uniqueName('board'), { connection: { host: u.hostname, port: Number(u.port) } });
  await queue.add('poll-close', { pollId: 1 }, { jobId: 'poll-close-1', delay: 3600e3 });
});
afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => {});
  await queue?.close();
  await database?.close();
});

const cli = (args: string[]) => runInProcess(args, { DATABASE_URL: database.url, YISHI_DATA_DIR: tempDir() } as NodeJS.ProcessEnv);
const same = { origin: 'http://localhost' };

describe('the queue board', () => {
  it('is refused to staff of either community, open read-only to an operator, and changes jobs only with write access', async () => {
    const a = await makeWorld(database);
    const b = await makeWorld(database);
    await grantStaff(a, 'ops');
    await grantStaff(a, 'boss');
    const app = webApp(a, { queues: [queue] });
    const signedIn = async (w: typeof a, who: string) => {
      const br = new Browser(app);
      await br.signIn(await linkFor(w, who));
      return br;
    };

    // Staff of community A and of community B: no board, no API, no link in the nav.
    for (const br of [await signedIn(a, 'staff'), await signedIn(b, 'staff')]) {
      expect((await br.request('/admin/queues')).status).toBe(403);
      expect((await br.request('/admin/queues/api/queues')).status).toBe(403);
      expect((await br.request(`/admin/queues/api/queues/${queue.name}/pause`, { method: 'PUT', headers: same })).status).toBe(403);
      expect((await br.request(`/admin/queues/api/queues/${queue.name}/poll-close-1/clean`, { method: 'PUT', headers: same })).status).toBe(403);
    }
    const staffPage = await (await (await signedIn(a, 'staff')).request(`/c/${a.slug}`)).text();
    expect(staffPage).not.toContain('/admin/queues');

    // Operators by the CLI: one read-only, one with write access; both audited.
    expect((await cli(['operator', 'grant', `telegram:${uid(a, 'ops')}`])).code).toBe(0);
    const granted = await cli(['operator', 'grant', `telegram:${uid(a, 'boss')}`, '--write']);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain('write access');
    const audit = (await database.db.execute(sql`select action, data from audit_log where action like 'operator.%' order by id`)) as unknown as { action: string; data: any }[];
    expect(audit.map((r) => [r.action, r.data.access])).toEqual([['operator.granted', 'read'], ['operator.granted', 'write']]);

    const reader = await signedIn(a, 'ops');
    expect((await reader.request('/admin/queues')).status).toBe(200);
    expect(await (await reader.request(`/c/${a.slug}`)).text()).toContain('href="/admin/queues"');
    const api = await reader.request('/admin/queues/api/queues');
    expect(api.status).toBe(200);
    const listed = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(listed.queues.find((q) => q.name.endsWith(queue.name))?.readOnlyMode).toBe(true);
    expect((await reader.request(`/admin/queues/api/queues/${queue.name}/pause`, { method: 'PUT', headers: same })).status).toBe(403);
    expect((await reader.request(`/admin/queues/api/queues/${queue.name}/poll-close-1/clean`, { method: 'PUT', headers: same })).status).toBe(403);
    expect((await reader.request(`/admin/queues/api/queues/${queue.name}/add`, { method: 'POST', headers: { ...same, 'content-type': 'application/json' }, body: '{"name":"x","data":{}}' })).status).toBe(403);
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getJob('poll-close-1')).toBeTruthy();

    const writer = await signedIn(a, 'boss');
    // Still held to the page's own origin.
    expect((await writer.request(`/admin/queues/api/queues/${queue.name}/pause`, { method: 'PUT', headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await writer.request(`/admin/queues/api/queues/${queue.name}/pause`, { method: 'PUT', headers: same })).status).toBe(200);
    expect(await queue.isPaused()).toBe(true);
    await queue.resume();

    // Revoked: the board is gone at the next request.
    expect((await cli(['operator', 'revoke', `telegram:${uid(a, 'ops')}`])).code).toBe(0);
    expect((await reader.request('/admin/queues')).status).toBe(403);
    const again = await cli(['operator', 'revoke', `telegram:${uid(a, 'ops')}`]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not an operator');
    const bad = await cli(['operator', 'grant', 'nowhere:1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('usage: npx yishi operator');
  });
});
