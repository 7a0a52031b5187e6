import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/core/parse.js';
import { splitArgs } from '../../src/domain/args.js';
import { cleanText } from '../../src/domain/text.js';
import { langOf, t } from '../../src/i18n/index.js';
import { en } from '../../src/i18n/en.js';
import { zhCN } from '../../src/i18n/zh-CN.js';

describe('command parsing', () => {
  it('reads /cmd args and /cmd@Bot args', () => {
    expect(parseCommand('/suggest 修路灯')).toEqual({ kind: 'command', name: 'suggest', args: '修路灯' });
    expect(parseCommand('/support@YishiBot 3')).toEqual({ kind: 'command', name: 'support', args: '3' });
    expect(parseCommand('/HELP')).toEqual({ kind: 'command', name: 'help', args: '' });
  });

  it('reads Chinese aliases with or without the slash', () => {
    expect(parseCommand('提议 东门路灯坏了')).toMatchObject({ name: 'suggest', args: '东门路灯坏了' });
    expect(parseCommand('/附议3')).toMatchObject({ name: 'support', args: '3' });
    expect(parseCommand('/议 3 同意')).toMatchObject({ name: 'comment', args: '3 同意' });
    expect(parseCommand('/议程 3')).toMatchObject({ name: 'agenda', args: '3' });
    expect(parseCommand('发起投票 3 48h')).toMatchObject({ name: 'poll', args: '3 48h' });
    expect(parseCommand('投票 3 1')).toMatchObject({ name: 'vote', args: '3 1' });
    expect(parseCommand('评价 3 满意')).toMatchObject({ name: 'rate', args: '3 满意' });
    expect(parseCommand('撤回 2')).toMatchObject({ name: 'withdraw' });
    expect(parseCommand('关联')).toMatchObject({ name: 'link', args: '' });
  });

  it('tolerates a full-width slash, space and digits', () => {
    expect(parseCommand('／附议　３')).toMatchObject({ name: 'support', args: '3' });
    expect(parseCommand('／support　12')).toMatchObject({ name: 'support', args: '12' });
  });

  it('leaves chatter alone, including chatter that starts like an alias', () => {
    expect(parseCommand('大家好')).toBeUndefined();
    expect(parseCommand('议事会什么时候开？')).toBeUndefined();
    expect(parseCommand('投票了吗')).toBeUndefined();
    expect(parseCommand('/')).toBeUndefined();
    expect(parseCommand('')).toBeUndefined();
  });

  it('marks an unknown slash command as unknown', () => {
    expect(parseCommand('/xyz 1')).toEqual({ kind: 'unknown', name: 'xyz' });
  });

  it('splits arguments keeping the rest together', () => {
    expect(splitArgs('3 50 已完成 招标', 3)).toEqual(['3', '50', '已完成 招标']);
    expect(splitArgs('  ', 2)).toEqual([]);
  });
});

describe('text hygiene', () => {
  it('strips control, zero-width and bidi-override characters', () => {
    expect(cleanText('a\u202Eb\u200Bc\u0007d\u2066e')).toBe('abcde');
    expect(cleanText('\u202E\u200B')).toBe('');
    expect(cleanText('  第一行\r\n\n\n\n第二行  ')).toBe('第一行\n\n第二行');
  });
});

describe('i18n', () => {
  it('has the same keys in Chinese and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('answers English only to senders whose language starts with en', () => {
    expect(langOf('en')).toBe('en');
    expect(langOf('en-US')).toBe('en');
    expect(langOf('zh-hans')).toBe('zh');
    expect(langOf(undefined)).toBe('zh');
    expect(t('en', 'support.ok', { n: 3, count: 1, threshold: 3 })).toBe('Supported #3: 1/3');
    expect(t('zh', 'support.ok', { n: 3, count: 1, threshold: 3 })).toBe('已附议 #3：1/3');
  });
});
