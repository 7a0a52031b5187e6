import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { freshDatabase, tempDir } from '../support/services.js';
import { makeWorld } from '../core/helpers.js';
import { runInProcess } from '../admin/run.js';
import { Browser, linkFor, webApp } from './support.js';

let database: Database & { url: string };
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('yishi sessions revoke', () => {
  it("ends one person's web sessions, then everybody's", async () => {
    const w = await makeWorld(database);
    const b = new Browser(webApp(w));
    await b.signIn(await linkFor(w, 'staff'));
    expect((await b.request(`/c/${w.slug}`)).status).toBe(200);
    const env = { DATABASE_URL: database.url, YISHI_DATA_DIR: tempDir() } as NodeJS.ProcessEnv;
    const one = await runInProcess(['sessions', 'revoke', `telegram:staff-${w.slug}`], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('revoked 1 web session(s)');
    expect((await b.request(`/c/${w.slug}`)).status).toBe(401);
    const all = await runInProcess(['sessions', 'revoke'], env);
    expect(all.stdout).toContain('revoked 0 web session(s)');
    const nobody = await runInProcess(['sessions', 'revoke', 'telegram:nobody'], env);
    expect(nobody.code).toBe(1);
  });
});
