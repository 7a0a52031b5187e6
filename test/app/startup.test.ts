import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDatabaseUrl, tempDir } from '../support/services.js';
import { lines, root, runFile } from '../admin/run.js';
import { appNodeFlags } from '../fault/app-process.js';

const main = path.join(root, 'src/main.ts');
const start = (env: Record<string, string | undefined>, extra: { PATH?: string } = {}) =>
  runFile(main, [], { ...env, ...extra }, { execArgv: appNodeFlags(), input: '' });

describe('npm start refuses a bad environment in one line', () => {
  it.each([
    ['DATABASE_URL', 'nonsense'],
    ['YISHI_TZ', 'Mars/Base'],
  ])('%s=%s gives exactly one stderr line and exit 1', async (name, value) => {
    const r = await start({ YISHI_DATA_DIR: tempDir(), [name]: value });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`^yishi: invalid ${name} `))]);
    expect(r.stdout).toBe('');
  });

  it('names the install command when redis-server is not on PATH and REDIS_URL is unset', async () => {
    // A PATH holding only node: no redis-server anywhere on it.
    const bin = tempDir();
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const dataDir = tempDir();
    const r = await start({ YISHI_DATA_DIR: dataDir, DATABASE_URL: await freshDatabaseUrl() }, { PATH: bin });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringContaining('apt-get install -y redis-server')]);
    expect(fs.existsSync(path.join(dataDir, 'redis', 'yishi-redis.json'))).toBe(false);
  });

  it('says in one line that REDIS_URL cannot be reached', async () => {
    const r = await start({ YISHI_DATA_DIR: tempDir(), DATABASE_URL: await freshDatabaseUrl(), REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^yishi: cannot reach Redis at redis:\/\/127\.0\.0\.1:1.*ECONNREFUSED/)]);
  });

  it('says in one line that the database cannot be reached', async () => {
    const r = await start({ YISHI_DATA_DIR: tempDir(), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/yishi' });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^yishi: cannot open the database at .*ECONNREFUSED/)]);
  });
});

describe('npm start sizes the young generation for bursts', () => {
  // After a quiet spell V8 shrinks the young generation back to its initial size; a burst of presses then
  // runs a dozen scavenges that copy and promote what is still in flight. npm start's flags (package.json,
  // their one home) start it larger; the tests and the benches start the app with the same flags.
  const newSpace = 'console.log(require("node:v8").getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size)';
  const newSpaceMiB = async (flags: string[]) => {
    const r = await runFile('-e', [newSpace], {}, { execArgv: flags });
    expect(r.code).toBe(0);
    return Number(r.stdout.trim()) / 2 ** 20;
  };

  it('starts it at 8 MiB instead of node\'s 1 MiB', async () => {
    expect(await newSpaceMiB([])).toBeLessThan(8);
    expect(await newSpaceMiB(appNodeFlags())).toBeGreaterThanOrEqual(8);
  });
});
