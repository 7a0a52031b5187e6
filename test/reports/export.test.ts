/** The items export for people: what the core stored, in the reader's language, never a formula in a spreadsheet. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { cell, exportSuggestions, toCsv } from '../../src/reports/export.js';
import { makeWorld, press, say } from '../core/helpers.js';

describe('the items export', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('neutralises formulas and quotes separators', () => {
    expect(cell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(cell('+1')).toBe("'+1");
    expect(cell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(cell('修路灯, 东门')).toBe('"修路灯, 东门"');
    expect(cell(null)).toBe('');
  });

  it('exports the stage, supports and the vote as the core recorded them', async () => {
    const w = await makeWorld(database, { threshold: 2 });
    await say(w, '作者', '/suggest =1+1 修东门路灯');
    await say(w, '甲', '/support 1');
    await say(w, '乙', '/support 1');
    const poll = await say(w, 'staff', '/poll 1');
    await press(w, '甲', poll.replies[0]!.buttons!.flat()[0]!.data);
    const [community] = await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
    const rows = await exportSuggestions(database.db, community!);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ number: 1, stage: 'voting', supports: 2, text: '=1+1 修东门路灯' });
    const csv = toCsv(rows);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const line = csv.split('\r\n')[1]!;
    expect(line).toContain("'=1+1 修东门路灯");
    expect(line).toContain('表决中');
    expect(line).toContain('同意 1');
  });
});
