/**
 * The Chinese catalogue read as a resident reads it: no English words but command names in any zh-CN
 * string; `/help` lines with the Chinese form first; a resident's help at most 15 lines, and each role's
 * help short. (Replies of a scripted cycle through the core are scanned in test/core/phrasings.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { zhCN } from '../../src/i18n/zh-CN.js';
import { en } from '../../src/i18n/en.js';
import { ALIASES, COMMANDS, type CommandName } from '../../src/core/parse.js';
import { groupHelp, HELP, helpLine, privateHelp, unboundHelp, type Role } from '../../src/core/help.js';
import { englishWords } from '../support/english.js';

const nonEmpty = (text: string) => text.split('\n').filter((l) => l.trim()).length;
const roles = (...r: Role[]) => new Set<Role>(['resident', ...r]);

describe('the zh-CN catalogue', () => {
  it('has no English words but command names (and product names, slugs, links)', () => {
    const found = Object.entries(zhCN).flatMap(([key, text]) => englishWords(text).map((w) => `${key}: ${w}`));
    expect(found).toEqual([]);
  });

  it('writes quarters as 2026年第4季度, never 2026Q4, and says 你, not 您', () => {
    for (const [key, text] of Object.entries(zhCN)) {
      expect(text, key).not.toMatch(/\d{4}Q[1-4]/);
      expect(text, key).not.toContain('您');
    }
  });
});

describe('/help by person and place', () => {
  it('names every command but help itself in the table, each with a line in both languages', () => {
    const inTable = new Set(HELP.map((e) => e.command));
    expect(COMMANDS.filter((c) => c !== 'help' && !inTable.has(c))).toEqual([]);
    for (const c of [...inTable, 'help' as CommandName]) {
      expect(zhCN[`help.cmd.${c}` as keyof typeof zhCN], c).toContain(' — ');
      expect(en[`help.cmd.${c}` as keyof typeof en], c).toContain(' — ');
    }
  });

  it('gives each command the Chinese form first, then the slash form', () => {
    for (const e of HELP) {
      const line = helpLine('zh', e.command);
      const word = line.split(/[\s（]/)[0]!;
      expect(ALIASES[word], `${line} starts with a Chinese word for ${e.command}`).toBe(e.command);
      expect(line).toContain(`（/${e.command.replace(/_/g, '-')}）`);
    }
  });

  it('keeps a resident\'s group help within 15 lines, and each role\'s short', () => {
    const resident = groupHelp('zh', roles());
    expect(nonEmpty(resident)).toBeLessThanOrEqual(15);
    expect(resident).not.toMatch(/\/(poll|stats|need |whistle|claim|ownervote|withdraw|unfollow)/);
    // One who raised an item (and so follows it) also gets 撤回 and 取消关注, still within 15.
    const author = groupHelp('zh', roles('author', 'follower'));
    expect(nonEmpty(author), 'author').toBeLessThanOrEqual(15);
    expect(author).toMatch(/\/withdraw[\s\S]*\/unfollow/);
    for (const role of ['author', 'follower', 'asker', 'supervisor', 'chair', 'contact', 'gridWorker', 'partyMember', 'owner'] as Role[]) {
      const text = groupHelp('zh', roles(role));
      expect(nonEmpty(text), role).toBeLessThanOrEqual(19);
    }
    // (16 before /minutes joined the chair's lines and 签到, 关注, 议事厅 the resident's.)
    expect(nonEmpty(groupHelp('zh', roles('staff', 'chair'))), 'staff').toBeLessThanOrEqual(19);
    expect(nonEmpty(groupHelp('zh', roles('staff', 'chair'), true)), 'staff, 帮助 管理').toBeLessThanOrEqual(15);
    expect(nonEmpty(privateHelp('zh', roles())), 'private').toBeLessThanOrEqual(10);
    expect(nonEmpty(privateHelp('zh', roles('staff', 'contact', 'partyMember'))), 'private, every role').toBeLessThanOrEqual(15);
    expect(nonEmpty(unboundHelp('zh'))).toBeLessThanOrEqual(3);
  });

  it('shows each role its own commands', () => {
    expect(groupHelp('zh', roles('contact'))).toMatch(/\/report[\s\S]*\/answer/);
    expect(groupHelp('zh', roles('gridWorker'))).toContain('/need');
    expect(groupHelp('zh', roles('partyMember'))).toMatch(/\/claim[\s\S]*\/served/);
    expect(groupHelp('zh', roles('owner'))).toContain('/ownervote');
    expect(groupHelp('zh', roles('asker'))).toContain('/needrate');
    expect(groupHelp('zh', roles('chair'))).toMatch(/\/meeting[\s\S]*\/minutes/);
    expect(groupHelp('zh', roles('supervisor'))).toContain('/objection');
    expect(groupHelp('zh', roles())).toMatch(/\/checkin[\s\S]*\/follow/);
    expect(groupHelp('zh', roles('staff', 'chair'), true)).toContain('/merge');
    expect(privateHelp('zh', roles())).toContain('/volunteer');
    expect(privateHelp('zh', roles('staff'))).not.toContain('/stats');
    expect(privateHelp('zh', roles('areaStaff'))).toContain('/stats');
    expect(groupHelp('zh', roles('chair'))).not.toContain('/stats');
    expect(groupHelp('zh', roles('staff', 'chair'), true)).toMatch(/\/stats[\s\S]*\/bind/);
    expect(privateHelp('zh', roles())).toMatch(/\/register[\s\S]*\/points/);
    expect(privateHelp('zh', roles('contact'))).toMatch(/\/report/);
  });

  it('stays in English for English speakers', () => {
    expect(groupHelp('en', roles())).toMatch(/^\/suggest <text> — /m);
    expect(englishWords(groupHelp('zh', roles('staff', 'chair', 'contact', 'gridWorker', 'partyMember', 'owner', 'asker')))).toEqual([]);
  });
});
