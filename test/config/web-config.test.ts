import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, webUrlOf } from '../../src/lib/config.js';

describe('web page configuration', () => {
  it('listens on 127.0.0.1:8080 and links to it when nothing is set', () => {
    const c = loadConfig({});
    expect(c.YISHI_WEB_PORT).toBe(8080);
    expect(c.YISHI_WEB_HOST).toBe('127.0.0.1');
    expect(c.YISHI_WEB_URL).toBeUndefined();
    expect(webUrlOf(c)).toBe('http://127.0.0.1:8080');
  });

  it('accepts port 0 and links to the port actually bound', () => {
    const c = loadConfig({ YISHI_WEB_PORT: '0', YISHI_WEB_HOST: '::1' });
    expect(c.YISHI_WEB_PORT).toBe(0);
    expect(webUrlOf(c, 41234)).toBe('http://[::1]:41234');
  });

  it('prefers YISHI_WEB_URL without its trailing slash', () => {
    const c = loadConfig({ YISHI_WEB_URL: 'https://yishi.example.org/' });
    expect(webUrlOf(c, 1)).toBe('https://yishi.example.org');
  });

  it('refuses a bad port, host or URL with one line naming the variable', () => {
    expect(() => loadConfig({ YISHI_WEB_PORT: '70000' })).toThrow(/YISHI_WEB_PORT/);
    expect(() => loadConfig({ YISHI_WEB_HOST: 'a b' })).toThrow(ConfigError);
    expect(() => loadConfig({ YISHI_WEB_URL: 'ftp://x' })).toThrow(/YISHI_WEB_URL/);
  });
});
