import { describe, expect, it } from 'vitest';
import { normalizeCommandText, splitText } from '../../bots/wechat/text.js';
import { stripUnsafe } from '../../src/domain/text.js';
import { renderText } from '../../bots/wechat/render.js';

describe('normalizeCommandText', () => {
  it('strips an @-mention of the bot with the U+2005 separator WeChat uses', () => {
    expect(normalizeCommandText('@议事\u2005附议 12', ['议事'])).toBe('附议 12');
    expect(normalizeCommandText('@议事小助手 投票 3 1', ['议事小助手'])).toBe('投票 3 1');
  });

  it('keeps mentions of other people', () => {
    expect(normalizeCommandText('@张三\u2005你好', ['议事'])).toBe('@张三 你好');
    expect(normalizeCommandText('哈哈 好的', ['议事'])).toBe('哈哈 好的');
  });

  it('adds the slash to an English command typed without one', () => {
    expect(normalizeCommandText('vote 12 1')).toBe('/vote 12 1');
    expect(normalizeCommandText('Support 3')).toBe('/support 3');
    expect(normalizeCommandText('/suggest fix the lamp')).toBe('/suggest fix the lamp');
  });

  it('leaves ordinary chatter and Chinese aliases for the core to judge', () => {
    expect(normalizeCommandText('今天天气不错')).toBe('今天天气不错');
    expect(normalizeCommandText('提议 东门路灯坏了')).toBe('提议 东门路灯坏了');
    expect(normalizeCommandText('voter turnout was high')).toBe('voter turnout was high');
  });

  it('accepts a colon after the command word and full-width slash and digits', () => {
    expect(normalizeCommandText('提议：东门路灯坏了，晚上很黑')).toBe('提议 东门路灯坏了，晚上很黑');
    expect(normalizeCommandText('／附议 １２')).toBe('/附议 12');
    expect(normalizeCommandText('投票\u3000１２\u3000１')).toBe('投票 12 1');
  });

  it('leaves the free text of a suggestion as typed', () => {
    expect(normalizeCommandText('提议 ３号楼，电梯坏了')).toBe('提议 3号楼，电梯坏了');
    expect(normalizeCommandText('议 2 同意，（１）先修')).toBe('议 2 同意，（１）先修');
  });
});

describe('splitText', () => {
  it('keeps a short text whole', () => {
    expect(splitText('短消息', 2000)).toEqual(['短消息']);
  });

  it('splits a long text into parts within the limit, at line breaks where it can, losing nothing', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `#${i + 1} 第${i + 1}条建议的标题`);
    const text = lines.join('\n');
    const parts = splitText(text, 500);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(500);
    expect(parts.join('\n')).toBe(text);
  });

  it('cuts a text without line breaks at the limit', () => {
    const parts = splitText('议'.repeat(4500), 2000);
    expect(parts.map((p) => p.length)).toEqual([2000, 2000, 500]);
  });
});

describe('renderText', () => {
  const buttons = [[{ label: '同意', data: 'v:1:1' }, { label: '反对', data: 'v:1:2' }, { label: '弃权', data: 'v:1:3' }]];

  it('renders choice buttons as numbered text with how to vote', () => {
    const text = renderText('#12 修东门路灯 开始投票', buttons, { kind: 'vote', suggestionNumber: 12 });
    expect(text).toContain('1. 同意  2. 反对  3. 弃权');
    expect(text).toContain('投票 12 1');
  });

  it('tells how to rate on a rating and answers English in English', () => {
    const rating = [[{ label: 'Satisfied', data: 'r:1:1' }], [{ label: 'Dissatisfied', data: 'r:1:3' }]];
    const text = renderText('Rate #4', rating, { kind: 'rating', suggestionNumber: 4 }, 'en');
    expect(text).toContain('1. Satisfied  2. Dissatisfied');
    expect(text).toContain('/rate 4 1');
  });

  it('never echoes control or bidi-override characters', () => {
    expect(renderText('a\u202Eb\u0007c', undefined, undefined)).toBe('abc');
    expect(stripUnsafe('x\u2066y\n')).toBe('xy\n');
  });
});

describe('renderText with the core hint', () => {
  it('replaces the core\'s tap-a-button hint, which is wrong in WeChat, by how to answer in text', async () => {
    const { t } = await import('../../src/i18n/index.js');
    const text = ['#3 表决：修路', t('zh', 'poll.hint', { n: 3 })].join('\n');
    const out = renderText(text, [[{ label: '同意', data: 'x' }, { label: '反对', data: 'y' }]], { kind: 'vote', suggestionNumber: 3 });
    expect(out).not.toContain(t('zh', 'poll.hint', { n: 3 }));
    expect(out).toBe(['#3 表决：修路', '1. 同意  2. 反对', t('zh', 'wechat.howToVote', { n: 3 })].join('\n'));
  });
});
