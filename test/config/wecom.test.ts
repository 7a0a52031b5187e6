import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/config.js';

describe('the WeCom variables', () => {
  it('are off when unset, and taken together with the socket URL when set', () => {
    const off = loadConfig({});
    expect([off.WECOM_BOT_ID, off.WECOM_BOT_SECRET, off.WECOM_WS_URL]).toEqual([undefined, undefined, undefined]);
    expect(loadConfig({ WECOM_BOT_ID: 'aib123', WECOM_BOT_SECRET: 's3cret', WECOM_WS_URL: 'ws://127.0.0.1:8790' })).toMatchObject({
      WECOM_BOT_ID: 'aib123',
      WECOM_BOT_SECRET: 's3cret',
      WECOM_WS_URL: 'ws://127.0.0.1:8790',
    });
  });

  it.each([
    [{ WECOM_BOT_ID: 'aib123' }, 'WECOM_BOT_SECRET'],
    [{ WECOM_BOT_SECRET: 's3cret' }, 'WECOM_BOT_ID'],
    [{ WECOM_BOT_ID: 'aib123', WECOM_BOT_SECRET: '  ' }, 'WECOM_BOT_SECRET'],
  ])('refuses one without the other (%o) in one line naming the missing one', (env, missing) => {
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

  it('refuses a WECOM_WS_URL that is not a WebSocket URL', () => {
    expect(() => loadConfig({ WECOM_BOT_ID: 'a', WECOM_BOT_SECRET: 'b', WECOM_WS_URL: 'https://example.org' })).toThrow(/WECOM_WS_URL/);
  });
});
