/** `yishi property import|show` and `yishi owner link|code|ballots` against a real Postgres. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { freshDatabaseUrl, tempDir } from '../support/services.js';
import { lines, runInProcess, yishi } from '../admin/run.js';

const GOOD = [
  'building,unit,area,owner',
  '1栋,101,89.5,110101199001011234',
  '1栋,102,89.50,110101199001011234',
  '1栋,201,120.25,13800000002',
  '"2栋","301","75",developer',
  '2栋,302,75.00,Developer',
].join('\r\n');

describe('the property register from the admin CLI', () => {
  let env: Record<string, string>;
  let database: Database;
  let dir: string;
  const cli = (...args: string[]) => runInProcess(args, env);
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const counts = async () => {
    const n = async (t: string) => Number(((await database.db.execute(sql.raw(`select count(*)::int as c from ${t}`))) as unknown as { c: number }[])[0].c);
    return { units: await n('property_units'), owners: await n('property_owners'), audit: await n('audit_log') };
  };

  beforeAll(async () => {
    dir = tempDir();
    const url = await freshDatabaseUrl();
    env = { DATABASE_URL: url, YISHI_DATA_DIR: tempDir(), YISHI_TZ: 'Asia/Shanghai' };
    expect((await yishi(['community', 'add', 'garden', '花园小区'], env, dir)).code).toBe(0);
    database = await openDatabase({ databaseUrl: url, dataDir: tempDir(), migrate: false });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('imports a register (through the real launcher), and importing it again changes nothing', async () => {
    const f = file('good.csv', '\uFEFF' + GOOD + '\r\n');
    const first = await yishi(['property', 'import', 'garden', f], env, dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('5 new, 0 changed, 0 unchanged unit(s); 3 new owner(s)');
    // Heads: the ID-card owner of two units once, the phone-number owner, the developer's two units once.
    expect(first.stdout).toContain('register: 5 units, 3 owners by head, total exclusive area 449.25 m²');
    const after = await counts();
    const again = await cli('property', 'import', 'garden', f);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing changed');
    expect(await counts()).toEqual(after);
    const [unit] = await database.db.select().from(s.propertyUnits).where(eq(s.propertyUnits.unit, '201'));
    expect(unit.areaHundredths).toBe(12025);
  }, 120_000); // the launcher starts tsx cold, slow on a busy machine

  it('lists every bad row with its line number and imports nothing', async () => {
    const before = await counts();
    const f = file('bad.csv', [
      'building,unit,area,owner',
      '3栋,101,80,A1',
      '3栋,102,abc,A2', // line 3
      '3栋,103,-5,A3', // line 4
      '3栋,104,80.123,A4', // line 5
      '3栋,101,70,A5', // line 6: duplicate of line 2
      ',105,80,A6', // line 7: no building
      '3栋,106,80', // line 8: three fields
      '3栋,107,80,has space', // line 9
      '3栋,108,0,A8', // line 10
    ].join('\n'));
    const r = await cli('property', 'import', 'garden', f);
    expect(r.code).toBe(1);
    const err = lines(r.stderr);
    expect(err[0]).toBe(`yishi: ${f}: 8 bad row(s); nothing imported`);
    expect(err.slice(1).map((l) => /^yishi: line (\d+):/.exec(l)?.[1])).toEqual(['3', '4', '5', '6', '7', '8', '9', '10']);
    expect(r.stderr).toContain('line 6: unit 3栋 101 is already on line 2');
    expect(r.stderr).toContain('line 8: expected 4 fields');
    expect(await counts()).toEqual(before);
  });

  it('refuses a wrong header, an empty file, a missing file and an unknown community, changing nothing', async () => {
    const before = await counts();
    const header = await cli('property', 'import', 'garden', file('h.csv', 'building,unit,area\n1,1,1'));
    expect(header.code).toBe(1);
    expect(header.stderr).toContain('line 1: the header must be building,unit,area,owner');
    expect((await cli('property', 'import', 'garden', file('e.csv', ''))).stderr).toContain('the file is empty');
    expect((await cli('property', 'import', 'garden', file('o.csv', 'building,unit,area,owner\n'))).stderr).toContain('no units');
    expect((await cli('property', 'import', 'garden', path.join(dir, 'missing.csv'))).stderr).toContain('ENOENT');
    const unknown = await cli('property', 'import', 'nowhere', file('g2.csv', GOOD));
    expect(unknown.code).toBe(1);
    expect(lines(unknown.stderr)).toHaveLength(1);
    expect((await cli('property', 'import', 'garden')).code).toBe(1); // usage
    expect(await counts()).toEqual(before);
  });

  it('updates a changed area or owner (a unit sold by the developer) and keeps units the file leaves out', async () => {
    const f = file('sold.csv', ['building,unit,area,owner', '2栋,301,75,13900000003', '2栋,302,75.00,developer', '9栋,901,60,C9'].join('\n'));
    const r = await cli('property', 'import', 'garden', f);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 new, 1 changed, 1 unchanged unit(s); 2 new owner(s)');
    expect(r.stdout).toContain('3 unit(s) in the register are not in the file and were kept');
    expect(r.stdout).toContain('register: 6 units, 5 owners by head, total exclusive area 509.25 m²');
  });

  it('shows units, owners with their links, and the totals', async () => {
    expect((await cli('owner', 'link', 'garden', '110101199001011234', 'telegram:5001')).stdout).toContain('linked telegram:5001');
    expect((await cli('owner', 'link', 'garden', '110101199001011234', 'telegram:5001')).stdout).toContain('already linked');
    const unknown = await cli('owner', 'link', 'garden', 'nobody', 'telegram:5001');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('has no owner "nobody"');
    expect((await cli('owner', 'link', 'garden', 'A1', 'fax:1')).code).toBe(1);
    const shown = await cli('property', 'show', 'garden');
    expect(shown.code).toBe(0);
    const out = lines(shown.stdout);
    expect(out).toContain('1栋\t101\t89.50\t110101199001011234');
    expect(out).toContain('110101199001011234\t2\t179.00\ttelegram:5001');
    expect(out).toContain('developer (unsold or undelivered: one owner by head)\t1\t75.00\t-');
    expect(out.at(-1)).toBe('total: 6 units, 5 owners by head, exclusive area 509.25 m²');
  });

  it('hands out one-time owner codes and refuses an import while an owners\' vote is open', async () => {
    const code = await cli('owner', 'code', 'garden', '13800000002');
    expect(code.code).toBe(0);
    expect(code.stdout).toMatch(/owner code for 13800000002 of garden: [A-Z0-9]{6} \(one use, until .+\); the owner sends \/owner [A-Z0-9]{6}/);
    const [c] = await database.db.select().from(s.communities).where(eq(s.communities.slug, 'garden'));
    const [p] = await database.db.insert(s.persons).values({ displayName: 'x' }).returning();
    const [sg] = await database.db.insert(s.suggestions).values({ communityId: c.id, number: 1, authorId: p.id, text: '加装电梯' }).returning();
    const [vote] = await database.db.insert(s.ownersVotes).values({ communityId: c.id, suggestionId: sg.id, matter: 7, deadline: new Date(Date.now() + 86400e3) }).returning();
    const before = await counts();
    const r = await cli('property', 'import', 'garden', file('later.csv', 'building,unit,area,owner\n8栋,801,50,Z'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("open owners' vote");
    expect(await counts()).toEqual(before);
    const ballots = await cli('owner', 'ballots', 'garden', '1');
    expect(ballots.code).toBe(0);
    expect(ballots.stdout).toContain(`owners' vote #${vote.id} on garden #1: item 7`);
    expect(lines(ballots.stdout)).toContain('1栋\t101\t89.50\t110101199001011234\t-\t-');
    expect(ballots.stdout).toContain('(so far)');
    expect((await cli('owner', 'ballots', 'garden', '2')).code).toBe(1);
  });
});
