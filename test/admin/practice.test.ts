/** The CLI's part of the practice: `community set --answer-within` with its bounds, `stats` naming unmet quarters, a street's xlsx. */
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import type { Database } from '../../src/db/client.js';
import { freshDatabase, tempDir } from '../support/services.js';
import { makeWorld } from '../core/helpers.js';
import { seedTree } from '../whistle/support.js';
import { runInProcess } from './run.js';

describe('yishi and the practice', () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('sets the answer time within 1 hour and 1 year, refuses 0 and 10 years, and reports unmet quarters and a street as xlsx', async () => {
    const w = await makeWorld(database);
    const { street } = await seedTree(w);
    const env = { DATABASE_URL: database.url, YISHI_DATA_DIR: tempDir(), YISHI_TZ: 'Asia/Shanghai' };
    const answerTime = async () => (await database.db.select().from(s.communities).where(eq(s.communities.id, w.communityId)))[0]!.answerWithinMinutes;

    for (const bad of ['0', '10y', '3650d']) {
      const r = await runInProcess(['community', 'set', w.slug, '--answer-within', bad], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('1 hour');
      expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThan(30);
    }
    expect(await answerTime()).toBe(7 * 24 * 60);
    const ok = await runInProcess(['community', 'set', w.slug, '--answer-within', '3d'], env);
    expect(ok.code).toBe(0);
    expect(await answerTime()).toBe(3 * 24 * 60);

    const stats = await runInProcess(['stats', street], env);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain(`community ${w.slug}`);
    expect(stats.stdout).toMatch(/\(running, not yet met\)/);

    const out = path.join(tempDir(), 'street.xlsx');
    const x = await runInProcess(['export', street, '--format', 'xlsx', '--out', out], env);
    expect(x.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['各社区', '协商议事会（季度）']);
    expect(String(wb.worksheets[0]!.getRow(2).getCell(2).value)).toBe(w.slug);
  });
});
