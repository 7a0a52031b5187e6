/**
 * Finding 3: the sign-in limit keyed on the socket address, so behind a reverse proxy 20 requests
 * blocked every staff sign-in, and past 10,000 addresses it cleared all counters. Now the address comes
 * from X-Forwarded-For through YISHI_TRUST_PROXY hops only, the limiter is bounded without being
 * emptied by a flood, and one link has its own limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { loadConfig } from '../../../src/lib/config.js';
import { AttemptLimiter } from '../../../src/web/limiter.js';
import { config, makeWorld } from '../../core/helpers.js';
import { freshDatabase } from '../../support/services.js';
import { linkFor, webApp } from '../support.js';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

const from = (xff: string) => ({ headers: { 'x-forwarded-for': xff } });

describe('the client address and the sign-in limits', () => {
  it('ignores X-Forwarded-For without YISHI_TRUST_PROXY: every request counts against the socket', async () => {
    const w = await makeWorld(database);
    const app = webApp(w, { signInAttempts: 3 });
    for (let i = 1; i <= 3; i++) expect((await app.request('/signin/nope', from(`203.0.113.${i}`))).status).toBe(410);
    expect((await app.request('/signin/nope', from('203.0.113.99'))).status).toBe(429);
  });

  it('behind one trusted proxy limits each client address apart, and a forged left-hand entry changes nothing', async () => {
    const w = await makeWorld(database);
    const app = webApp(w, { signInAttempts: 3, config: { ...config, YISHI_TRUST_PROXY: 1 } });
    for (let i = 0; i < 3; i++) expect((await app.request('/signin/nope', from('198.51.100.7'))).status).toBe(410);
    expect((await app.request('/signin/nope', from('198.51.100.7'))).status).toBe(429);
    // The client writes its own X-Forwarded-For; the proxy appends the real address: only that one counts.
    expect((await app.request('/signin/nope', from('10.9.9.9, 198.51.100.7'))).status).toBe(429);
    // Another staff member behind the same proxy signs in as usual.
    const token = await linkFor(w, 'staff');
    expect((await app.request(`/signin/${token}`, from('198.51.100.8'))).status).toBe(200);
  });

  it('reads YISHI_TRUST_PROXY as a small number, 0 by default', () => {
    expect(loadConfig({} as NodeJS.ProcessEnv).YISHI_TRUST_PROXY).toBe(0);
    expect(loadConfig({ YISHI_TRUST_PROXY: '2' } as NodeJS.ProcessEnv).YISHI_TRUST_PROXY).toBe(2);
    expect(() => loadConfig({ YISHI_TRUST_PROXY: 'yes' } as NodeJS.ProcessEnv)).toThrow(/YISHI_TRUST_PROXY/);
  });

  it('limits one link however many addresses try it', async () => {
    const w = await makeWorld(database);
    const app = webApp(w, { signInAttempts: 100, config: { ...config, YISHI_TRUST_PROXY: 1 } });
    const token = await linkFor(w, 'staff');
    const answers: number[] = [];
    for (let i = 1; i <= 8; i++) answers.push((await app.request(`/signin/${token}`, from(`192.0.2.${i}`))).status);
    expect(answers.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.slice(6)).toEqual([429, 429]);
  });

  it('keeps a limited address limited through a flood of new addresses, and stays bounded', () => {
    const limiter = new AttemptLimiter(2, 10 * 60e3);
    const now = new Date();
    expect(limiter.hit('victim-of-abuse', now)).toBe(true);
    expect(limiter.hit('victim-of-abuse', now)).toBe(true);
    expect(limiter.hit('victim-of-abuse', now)).toBe(false);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 6000; i++) limiter.hit(`flood-${round}-${i}`, now);
      expect(limiter.hit('victim-of-abuse', now), `after ${(round + 1) * 6000} other addresses`).toBe(false);
      expect(limiter.size).toBeLessThanOrEqual(10_000);
    }
  });
});
