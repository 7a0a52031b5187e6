import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { AppDeps } from '../../src/core/app-types.js';
import type { Core } from '../../src/kernel/types.js';
import { loadConfig } from '../../src/lib/config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { SenderRegistry } from '../../src/messaging/port.js';
import { createWechatBot, startWechat } from '../../bots/wechat/index.js';
import { tempDir } from '../support/services.js';

// Neither test reaches the core or the database: they are about starting, logging in and stopping.
const unusedCore = new Proxy({}, { get: () => () => { throw new Error('the core is not used here'); } }) as Core;
const unusedDatabase = { db: undefined, kind: 'postgres', location: 'none', close: async () => {} } as unknown as AppDeps['database'];

function deps(env: Record<string, string> = {}): AppDeps {
  return { config: loadConfig(env), database: unusedDatabase, redisUrl: 'redis://unused', core: unusedCore, logger: silentLogger, senders: new SenderRegistry() };
}

describe('starting the WeChat adapter', () => {
  it('starts the puppet named in WECHATY_PUPPET, registers the wechat sender, keeps the session in the data dir, and stops', async () => {
    const dir = tempDir();
    const d = deps({ WECHATY_PUPPET: 'wechaty-puppet-mock', YISHI_DATA_DIR: dir });
    const bot = await startWechat(d);
    expect(d.senders.get('wechat')).toBeDefined();
    await bot.stop();
    expect(fs.existsSync(path.join(dir, 'wechat'))).toBe(true);
  });

  it('refuses to start without WECHATY_PUPPET', async () => {
    await expect(startWechat(deps())).rejects.toThrow(/WECHATY_PUPPET/);
  });

  it('shows the login QR code with its URL when the puppet asks for a scan', async () => {
    const mocker = new mock.Mocker();
    const shown: { qrcode: string; url: string }[] = [];
    const bot = createWechatBot(deps(), { puppet: new PuppetMock({ mocker }), showQr: (qrcode, url) => shown.push({ qrcode, url }) });
    await bot.start();
    mocker.scan('https://login.weixin.qq.com/l/abc123');
    await new Promise((r) => setTimeout(r, 50));
    expect(shown).toEqual([{ qrcode: 'https://login.weixin.qq.com/l/abc123', url: expect.stringContaining(encodeURIComponent('https://login.weixin.qq.com/l/abc123')) }]);
    const self = mocker.createContact({ name: '议事' });
    const loggedIn = bot.loggedIn();
    mocker.login(self);
    expect((await loggedIn).id).toBe(self.id);
    await bot.stop();
  });
});
