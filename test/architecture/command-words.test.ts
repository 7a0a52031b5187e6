/**
 * One home for the command words: the core's parser (src/core/parse.ts). The adapters whose users type
 * commands without a menu (WeChat, WeCom) ask the core which words are commands, so they accept exactly
 * the words the core knows; no adapter keeps a list of its own that could fall behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALIASES, COMMANDS, commandWords, englishCommand, isCommandText, parseCommand } from '../../src/core/parse.js';
import { normalizeCommandText } from '../../bots/wechat/text.js';
import { commandText } from '../../bots/wecom/text.js';
import { MENU_COMMANDS } from '../../bots/telegram/menu.js';
import { filesUnder } from './graph.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The command a word names for the core: an English name in any case, or a Chinese alias. */
const named = (word: string) => englishCommand(word) ?? ALIASES[word];

const adapters: [string, (typed: string) => string][] = [
  ['WeChat', (typed) => normalizeCommandText(typed, ['议事'])],
  ['WeChat, mentioned', (typed) => normalizeCommandText(`@议事\u2005${typed}`, ['议事'])],
  ['WeCom', (typed) => commandText(typed)],
  ['WeCom, mentioned', (typed) => commandText(`@议事 ${typed}`)],
];

describe('the command words', () => {
  it('are the core\'s English names and aliases', () => {
    expect(commandWords().length).toBe(COMMANDS.length + Object.keys(ALIASES).length);
    for (const w of commandWords()) expect(named(w), w).toBeDefined();
  });

  for (const [adapter, toCore] of adapters) {
    it(`are every one recognised by the ${adapter} text parser, with and without the slash`, () => {
      const missed: string[] = [];
      for (const word of commandWords()) {
        for (const typed of [`${word} 1`, `/${word} 1`, `${word}：1`, word]) {
          const parsed = parseCommand(toCore(typed));
          if (parsed?.kind !== 'command' || parsed.name !== named(word)) missed.push(`${typed} -> ${toCore(typed)}`);
        }
      }
      for (const name of COMMANDS) {
        const typed = `${name.toUpperCase()} 2`;
        if (!isCommandText(toCore(typed))) missed.push(typed);
      }
      expect(missed).toEqual([]);
    });

    it(`leave chatter to the core for the ${adapter} text parser`, () => {
      for (const chatter of ['voter turnout was high', '今天天气不错', '投票了吗'])
        expect(isCommandText(toCore(chatter)), chatter).toBe(false);
    });
  }

  it('live in no adapter file (a list of command words or aliases outside the core fails here)', () => {
    const english = new Set<string>(COMMANDS);
    const aliases = new Set(Object.keys(ALIASES));
    // Telegram's menu is a chosen subset of the core's names with descriptions, not what counts as a
    // command; its type (`satisfies readonly CommandName[]`) keeps it to the core's names.
    const allowed = new Set(['bots/telegram/menu.ts']);
    const holders: string[] = [];
    for (const f of [...filesUnder('bots'), ...filesUnder('jobs'), ...filesUnder('src/web'), ...filesUnder('src/admin')]) {
      const rel = f.split(path.sep).join('/');
      if (allowed.has(rel)) continue;
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      const literals = new Set([...text.matchAll(/['"`]([^'"`\n]{1,24})['"`]/g)].map((m) => m[1]!));
      const keys = new Set([...text.matchAll(/(?:^|[{,\s])([\p{Script=Han}]{1,6})\s*:/gmu)].map((m) => m[1]!));
      const e = [...literals].filter((l) => english.has(l) || english.has(l.replace(/-/g, '_')));
      const a = [...new Set([...literals, ...keys])].filter((l) => aliases.has(l));
      if (e.length >= 8 || a.length >= 4) holders.push(`${rel}: ${[...e, ...a].join(', ')}`);
    }
    expect(holders).toEqual([]);
  });

  it('in the Telegram menu are all the core\'s', () => {
    for (const c of MENU_COMMANDS) expect(COMMANDS).toContain(c);
  });

  it('reach the adapters through the core only: no adapter imports another adapter\'s text parser', () => {
    const wecom = fs.readFileSync(path.join(root, 'bots/wecom/text.ts'), 'utf8');
    expect(wecom).not.toMatch(/from ['"]\.\.\/wechat\//);
  });
});
