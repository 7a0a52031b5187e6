/** `yishi mp qrcode|menu` against the fake, and the WECHAT_MP_* variables taken together or not at all. */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommunity } from '../../src/org/communities.js';
import { addGridTx } from '../../src/admin/org.js';
import { runCli } from '../../src/admin/cli.js';
import { ConfigError, loadConfig } from '../../src/lib/config.js';
import { inTransaction } from '../../src/kernel/unit-of-work.js';
import { FakeWechatMp, MP_APP_ID, MP_SECRET, MP_TOKEN } from '../support/fake-wechat-mp.js';
import { freshDatabase, tempDir } from '../support/services.js';
import type { Database } from '../../src/db/client.js';

let fake: FakeWechatMp;
let database: Database & { url: string };
beforeAll(async () => {
  fake = await FakeWechatMp.start();
  database = await freshDatabase();
  await addCommunity(database.db, { slug: 'xingfu', name: '幸福社区' });
  await inTransaction(database.db, (tx) => addGridTx(tx, { community: 'xingfu', slug: 'east', name: '东区', workers: [] }, 'test'));
});
afterAll(async () => {
  await database?.close();
  await fake?.close();
});

async function cli(argv: string[], extra: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const env = { DATABASE_URL: database.url, WECHAT_MP_APP_ID: MP_APP_ID, WECHAT_MP_APP_SECRET: MP_SECRET, WECHAT_MP_TOKEN: MP_TOKEN, WECHAT_MP_API_ROOT: fake.url, YISHI_WEB_URL: 'https://yishi.example.org', ...extra };
  const code = await runCli(argv, { stdout, stderr, env });
  return { code, out, err };
}

describe('yishi mp', () => {
  it('makes a permanent QR code of a community and grid scene, prints its URLs and saves the picture', async () => {
    const file = path.join(tempDir(), 'xingfu-east.png');
    const r = await cli(['mp', 'qrcode', 'xingfu', 'east', '--out', file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('scene xingfu:east');
    expect(r.out).toContain('showqrcode?ticket=');
    expect(fs.readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    expect(fake.calls.find((c) => c.api === 'cgi-bin/qrcode/create')?.body).toMatchObject({ action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: 'xingfu:east' } } });
    const bad = await cli(['mp', 'qrcode', 'nowhere']);
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });

  it('publishes the menu: 议事厅 (the resident pages), 我要提议, 我的', async () => {
    const r = await cli(['mp', 'menu']);
    expect(r.code).toBe(0);
    const menu = fake.menus.at(-1) as { button: { name: string; type: string; url?: string; key?: string }[] };
    expect(menu.button.map((b) => b.name)).toEqual(['议事厅', '我要提议', '我的']);
    expect(menu.button[0]).toMatchObject({ type: 'view', url: 'https://yishi.example.org/v' });
  });
});

describe('the WECHAT_MP_* variables', () => {
  it('are off when unset and on with id, secret and token', () => {
    expect(loadConfig({}).WECHAT_MP_APP_ID).toBeUndefined();
    expect(loadConfig({ WECHAT_MP_APP_ID: MP_APP_ID, WECHAT_MP_APP_SECRET: MP_SECRET, WECHAT_MP_TOKEN: MP_TOKEN }).WECHAT_MP_API_ROOT).toBe('https://api.weixin.qq.com');
  });

  it.each([
    [{ WECHAT_MP_APP_ID: MP_APP_ID }, 'WECHAT_MP_APP_SECRET, WECHAT_MP_TOKEN'],
    [{ WECHAT_MP_APP_ID: MP_APP_ID, WECHAT_MP_APP_SECRET: MP_SECRET }, 'WECHAT_MP_TOKEN'],
    [{ WECHAT_MP_AES_KEY: 'a'.repeat(43) }, 'WECHAT_MP_APP_ID'],
  ])('refuses half a configuration (%o) in one line naming what is missing', (env, missing) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(missing);
    expect((err as Error).message.split('\n')).toHaveLength(1);
  });

  it('refuses an EncodingAESKey that is not 43 characters', () => {
    expect(() => loadConfig({ WECHAT_MP_APP_ID: MP_APP_ID, WECHAT_MP_APP_SECRET: MP_SECRET, WECHAT_MP_TOKEN: MP_TOKEN, WECHAT_MP_AES_KEY: 'short' })).toThrow(/WECHAT_MP_AES_KEY/);
  });
});
