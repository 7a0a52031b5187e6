import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/config.js';

describe('loadConfig', () => {
  it('falls back to the embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.YISHI_DATA_DIR).toBe(path.resolve('./data'));
    expect(c.YISHI_TZ).toBe('Asia/Shanghai');
    expect(c.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(c.WECHATY_PUPPET).toBeUndefined();
  });

  it('treats blank variables as unset', () => {
    const c = loadConfig({ DATABASE_URL: '', REDIS_URL: '  ', YISHI_TZ: '', TELEGRAM_BOT_TOKEN: '', WECHATY_PUPPET: '' });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.YISHI_TZ).toBe('Asia/Shanghai');
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(c.WECHATY_PUPPET).toBeUndefined();
  });

  it('accepts well-formed values', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/yishi',
      REDIS_URL: 'redis://cache:6379/1',
      YISHI_DATA_DIR: '/var/lib/yishi',
      YISHI_TZ: 'Europe/Berlin',
      TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc-def',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      TELEGRAM_WEBHOOK_PORT: '8443',
      WECHATY_PUPPET: 'wechaty-puppet-service',
    });
    expect(c).toMatchObject({
      DATABASE_URL: 'postgresql://u:p@db:5432/yishi',
      REDIS_URL: 'redis://cache:6379/1',
      YISHI_DATA_DIR: '/var/lib/yishi',
      YISHI_TZ: 'Europe/Berlin',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
      TELEGRAM_WEBHOOK_PORT: 8443,
      WECHATY_PUPPET: 'wechaty-puppet-service',
    });
  });

  it.each([
    ['DATABASE_URL', 'nonsense'],
    ['DATABASE_URL', 'mysql://u@h/db'],
    ['REDIS_URL', 'http://cache:6379'],
    ['YISHI_TZ', 'Mars/Base'],
    ['TELEGRAM_BOT_TOKEN', 'not-a-token'],
    ['TELEGRAM_API_ROOT', 'ftp://example.org'],
    ['TELEGRAM_WEBHOOK_PORT', '70000'],
    ['TELEGRAM_WEBHOOK_SECRET', 'has spaces'],
    ['YISHI_LOG_LEVEL', 'loud'],
  ])('rejects %s=%s with one line naming the variable', (name, value) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg.startsWith(`yishi: invalid ${name}`)).toBe(true);
  });
});
