import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { addQuarters, quarterOf } from '../../src/domain/time.js';
import { freshDatabaseUrl, redisUrl, tempDir } from '../support/services.js';
import { lines, runInProcess, yishi, type Run } from './run.js';

const TZ = 'Asia/Shanghai';

describe('yishi CLI against a real Postgres', () => {
  let url: string;
  let env: Record<string, string>;
  let database: Database;
  let cwd: string;
  const cli = (...args: string[]) => yishi(args, env, cwd);
  const inProcess = (...args: string[]) => runInProcess(args, env);
  const count = async (table: typeof s.communities | typeof s.auditLog | typeof s.councilUnits | typeof s.roles | typeof s.persons) =>
    Number((await database.db.select({ n: sql<number>`count(*)` }).from(table))[0].n);

  beforeAll(async () => {
    cwd = tempDir();
    url = await freshDatabaseUrl();
    env = { DATABASE_URL: url, YISHI_DATA_DIR: tempDir(), YISHI_TZ: TZ };
    // The CLI migrates the fresh database itself: nothing is applied before its first run.
    const first = await cli('community', 'add', 'demo', '示范社区');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('created community demo (示范社区)');
    database = await openDatabase({ databaseUrl: url, dataDir: tempDir(), migrate: false });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('creates a community with its audit row and shows it has no rotation yet', async () => {
    const [c] = await database.db.select().from(s.communities).where(eq(s.communities.slug, 'demo'));
    expect(c).toMatchObject({ name: '示范社区', supportThreshold: 3, satisfactionThreshold: 0.6, rotationStart: null });
    const audit = await database.db.select().from(s.auditLog).where(eq(s.auditLog.communityId, c.id));
    expect(audit.map((a) => a.action)).toEqual(['community.created']);

    const shown = await cli('rotation', 'show', 'demo');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('no council units yet');
  });

  it('takes the thresholds given as options', async () => {
    const r = await cli('community', 'add', 'east-gate', '东门', '社区', '--support-threshold', '5', '--satisfaction-threshold', '0.75');
    expect(r.code).toBe(0);
    const [c] = await database.db.select().from(s.communities).where(eq(s.communities.slug, 'east-gate'));
    expect(c).toMatchObject({ name: '东门 社区', supportThreshold: 5, satisfactionThreshold: 0.75 });
  });

  it('refuses a community whose slug is taken, changing nothing', async () => {
    const before = await count(s.auditLog);
    const r = await inProcess('community', 'add', 'demo', '另一个');
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(['yishi: community "demo" already exists; nothing changed']);
    expect(await count(s.auditLog)).toBe(before);
  });

  it('keeps council units in the order added and rotates them from the quarter of the first', async () => {
    await inProcess('community', 'add', 'rota', '轮值社区');
    const a = await cli('council', 'add', 'rota', '街道办事处', '--contact', 'telegram:1001');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('rotation position 1');
    const now = new Date();
    const q = quarterOf(now, TZ);
    expect(a.stdout).toContain(`the rotation starts in ${q}`);
    expect((await inProcess('council', 'add', 'rota', '物业公司')).code).toBe(0);
    expect((await inProcess('council', 'add', 'rota', '业主委员会')).code).toBe(0);

    const [c] = await database.db.select().from(s.communities).where(eq(s.communities.slug, 'rota'));
    expect(c.rotationStart).toBe(q);
    const units = await database.db.select().from(s.councilUnits).where(eq(s.councilUnits.communityId, c.id)).orderBy(asc(s.councilUnits.position));
    expect(units.map((u) => [u.position, u.name])).toEqual([[1, '街道办事处'], [2, '物业公司'], [3, '业主委员会']]);
    expect(units[0]).toMatchObject({ contactPlatform: 'telegram', contactUserId: '1001' });
    const audit = await database.db.select().from(s.auditLog).where(and(eq(s.auditLog.communityId, c.id), eq(s.auditLog.action, 'council.unit_added')));
    expect(audit).toHaveLength(3);

    const shown = await cli('rotation', 'show', 'rota');
    expect(shown.code).toBe(0);
    const rows = lines(shown.stdout).slice(1).map((l) => l.trim().split(/\s+/));
    // quarter, start date, '–', end date, unit name …
    expect(rows.map((r) => [r[0], r[4]])).toEqual([
      [q, '街道办事处'],
      [addQuarters(q, 1), '物业公司'],
      [addQuarters(q, 2), '业主委员会'],
      [addQuarters(q, 3), '街道办事处'],
    ]);
    expect(lines(shown.stdout)[1]).toContain('<- this quarter');
    expect(lines(shown.stdout)[1]).toMatch(/\d{4}-\d{2}-01 – \d{4}-\d{2}-3[01]/);
  });

  it('lists the quarterly chair scheduler of a community with a council', async () => {
    const r = await yishi(['schedules'], { ...env, REDIS_URL: redisUrl() }, cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rota\s+轮值社区/);
  });

  it('refuses a second unit with the same name', async () => {
    const r = await inProcess('council', 'add', 'rota', '物业公司');
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('already exists');
  });

  it('grants a role to an unseen user, creating the person and identity, and revokes it', async () => {
    const persons = await count(s.persons);
    const g = await cli('role', 'grant', 'demo', 'wechat:wxid_abc:1', 'staff');
    expect(g.code).toBe(0);
    expect(g.stdout).toContain('granted staff in demo to wechat:wxid_abc:1');
    expect(await count(s.persons)).toBe(persons + 1);
    const [identity] = await database.db.select().from(s.identities).where(eq(s.identities.platformUserId, 'wxid_abc:1'));
    expect(identity.platform).toBe('wechat');
    const roleOf = async () =>
      (await database.db.select().from(s.roles).where(eq(s.roles.personId, identity.personId)))[0]?.role;
    expect(await roleOf()).toBe('staff');

    const again = await inProcess('role', 'grant', 'demo', 'wechat:wxid_abc:1', 'staff');
    expect(again.stdout).toContain('nothing changed');
    expect(await count(s.persons)).toBe(persons + 1);

    expect((await cli('role', 'revoke', 'demo', 'wechat:wxid_abc:1', 'staff')).stdout).toContain('now resident');
    expect(await roleOf()).toBe('resident');
    expect((await inProcess('role', 'revoke', 'demo', 'wechat:wxid_abc:1', 'resident')).code).toBe(0);
    expect(await roleOf()).toBeUndefined();

    const auditBefore = await count(s.auditLog);
    const none = await inProcess('role', 'revoke', 'demo', 'wechat:wxid_abc:1', 'staff');
    expect(none.code).toBe(1);
    expect(lines(none.stderr)).toEqual(['yishi: wechat:wxid_abc:1 is not staff in demo (current role: none); nothing changed']);
    expect(await count(s.auditLog)).toBe(auditBefore);
    const actions = (await database.db.select().from(s.auditLog)).map((a) => a.action);
    expect(actions.filter((a) => a === 'role.granted')).toHaveLength(1);
    expect(actions.filter((a) => a === 'role.revoked')).toHaveLength(2);
  });

  it.each([
    [[] as string[], 'no command given'],
    [['frobnicate'], 'unknown command'],
    [['community', 'add', 'demo2'], 'expected: community add'],
    [['community', 'add', 'Bad_Slug', '名字'], 'a slug is'],
    [['community', 'add', 'x1', '名字', '--support-threshold', '0'], 'support threshold'],
    [['community', 'add', 'x1', '名字', '--satisfaction-threshold', '1.5'], 'satisfaction threshold'],
    [['community', 'add', 'x1', '名字', '--colour', 'red'], 'Unknown option'],
    [['role', 'grant', 'demo', 'bogus:1', 'staff'], '<platform>:<userId>'],
    [['role', 'promote', 'demo', 'telegram:1', 'staff'], 'expected: role grant|revoke'],
    [['role', 'grant', 'demo', 'telegram:1', 'mayor'], 'staff, resident or supervisor'],
    [['council', 'add', 'demo'], 'expected: council add'],
    [['rotation', 'show'], 'expected: rotation show'],
    [['export', 'demo', '--format', 'xml'], 'json, csv or xlsx'],
    [['sessions', 'forget'], 'expected: sessions revoke'],
  ])('prints the usage and exits 1 for bad arguments %j', async (args, reason) => {
    const before = await count(s.communities);
    const r: Run = await inProcess(...args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(reason);
    expect(r.stderr).toContain('usage: npx yishi');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await count(s.communities)).toBe(before);
  });

  it('prints the usage and exits 1 from the real launcher too', async () => {
    const r = await cli('community', 'add', 'demo2');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('usage: npx yishi community add <slug> <name>');
    const none = await cli();
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('rotation show <slug>');
  });

  it('says in one line from the real launcher that a community is unknown, exit 1', async () => {
    const r = await cli('rotation', 'show', 'nowhere');
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(['yishi: unknown community "nowhere" (create it with: npx yishi community add nowhere <name>)']);
  });

  it.each([
    [['rotation', 'show', 'nowhere']],
    [['council', 'add', 'nowhere', '街道办']],
    [['role', 'grant', 'nowhere', 'telegram:1', 'staff']],
    [['export', 'nowhere']],
  ])('says in one line that %j names an unknown community, exit 1', async (args) => {
    const r = await inProcess(...args);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringContaining('yishi: unknown community "nowhere"')]);
  });

  it('imports communities, units and roles once, and a second import changes nothing', async () => {
    const file = path.join(tempDir(), 'seed.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        communities: [
          {
            slug: 'north',
            name: '北区',
            supportThreshold: 4,
            councilUnits: [{ name: '派出所', contact: 'telegram:77' }, { name: '小学' }],
            roles: [{ user: 'telegram:77', role: 'staff' }, { user: 'console:老王', role: 'resident' }],
          },
          { slug: 'demo', name: '示范社区', councilUnits: [{ name: '居委会' }] },
        ],
      }),
    );
    const r = await cli('import', file);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      'created community north (北区)',
      'added council unit 派出所 to north at position 1',
      'added council unit 小学 to north at position 2',
      'granted staff in north to telegram:77',
      'granted resident in north to console:老王',
      'added council unit 居委会 to demo at position 1',
    ]);
    const [north] = await database.db.select().from(s.communities).where(eq(s.communities.slug, 'north'));
    expect(north.supportThreshold).toBe(4);
    expect(await database.db.select().from(s.roles).where(eq(s.roles.communityId, north.id))).toHaveLength(2);

    const audit = await count(s.auditLog);
    const again = await inProcess('import', file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to change');
    expect(await count(s.auditLog)).toBe(audit);
  });

  it('rejects a bad import file in one line and writes nothing', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ communities: [{ slug: 'south', name: '南区', roles: [{ user: 'fax:1', role: 'staff' }] }] }));
    const notJson = path.join(dir, 'broken.json');
    fs.writeFileSync(notJson, '{ "communities": [');
    const before = await count(s.communities);
    for (const [file, why] of [[bad, 'communities.0.roles.0.user'], [notJson, 'not valid JSON'], [path.join(dir, 'missing.json'), 'ENOENT']]) {
      const r = await inProcess('import', file);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([expect.stringContaining(why)]);
    }
    expect(await count(s.communities)).toBe(before);
  });

  it('exports suggestions with stage, counts and results as json and csv', async () => {
    const [c] = await database.db.select().from(s.communities).where(eq(s.communities.slug, 'demo'));
    const [a, b, d] = await database.db.insert(s.persons).values([{ displayName: '张三' }, { displayName: '李四' }, { displayName: '王五' }]).returning();
    const [s1, s2] = await database.db
      .insert(s.suggestions)
      .values([
        { communityId: c.id, number: 1, authorId: a.id, text: '东门路灯坏了, "很黑"', stage: 'evaluated', supportCount: 3 },
        { communityId: c.id, number: 2, authorId: b.id, text: '=HYPERLINK("x")', stage: 'raised', supportCount: 1 },
      ])
      .returning();
    await database.db.insert(s.comments).values([{ suggestionId: s1.id, personId: b.id, text: '同意' }, { suggestionId: s1.id, personId: d.id, text: '+1' }]);
    const [vote] = await database.db.insert(s.polls).values({ suggestionId: s1.id, kind: 'vote', status: 'closed', deadline: new Date(), outcome: 'approved' }).returning();
    await database.db.insert(s.pollChoices).values([{ pollId: vote.id, position: 1, label: '同意' }, { pollId: vote.id, position: 2, label: '反对' }, { pollId: vote.id, position: 3, label: '弃权' }]);
    await database.db.insert(s.ballots).values([{ pollId: vote.id, personId: a.id, choice: 1 }, { pollId: vote.id, personId: b.id, choice: 1 }, { pollId: vote.id, personId: d.id, choice: 3 }]);
    const [rating] = await database.db.insert(s.polls).values({ suggestionId: s1.id, kind: 'rating', status: 'closed', deadline: new Date() }).returning();
    await database.db.insert(s.ratings).values([{ pollId: rating.id, personId: a.id, level: 1 }, { pollId: rating.id, personId: b.id, level: 3 }]);
    await database.db.insert(s.progressUpdates).values({ suggestionId: s1.id, personId: a.id, percent: 100, text: '修好了' });
    void s2;

    const json = await cli('export', 'demo');
    expect(json.code).toBe(0);
    expect(json.stderr).toContain('exported 2 suggestion(s) of demo as json');
    const data = JSON.parse(json.stdout);
    expect(data.suggestions).toHaveLength(2);
    expect(data.suggestions[0]).toMatchObject({
      number: 1,
      stage: 'evaluated',
      author: '张三',
      supports: 3,
      supportThreshold: 3,
      comments: 2,
      progress: 100,
      vote: { status: 'closed', outcome: 'approved', choices: [{ label: '同意', count: 2 }, { label: '反对', count: 0 }, { label: '弃权', count: 1 }] },
      rating: { choices: [{ label: '满意', count: 1 }, { label: '基本满意', count: 0 }, { label: '不满意', count: 1 }], satisfiedShare: 0.5 },
    });
    expect(data.suggestions[1]).toMatchObject({ number: 2, stage: 'raised', comments: 0, vote: null, rating: null });

    const csv = await inProcess('export', 'demo', '--format', 'csv');
    expect(csv.code).toBe(0);
    // For people: a BOM (Excel/WPS on Windows), Chinese headers, local times; --lang en for English.
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    const rows = lines(csv.stdout.slice(1).replace(/\r/g, ''));
    expect(rows[0]).toMatch(/^编号,阶段,内容,/);
    expect(rows[1]).toMatch(/,已评价,/);
    expect(rows[1]).toMatch(/,\d{4}-\d{2}-\d{2} \d{2}:\d{2},/);
    const en = await inProcess('export', 'demo', '--format', 'csv', '--lang', 'en');
    expect(lines(en.stdout.slice(1))[0]).toMatch(/^number,stage,text,/);
    const xlsxFile = path.join(tempDir(), 'demo.xlsx');
    const xlsx = await inProcess('export', 'demo', '--format', 'xlsx', '--out', xlsxFile);
    expect(xlsx.code).toBe(0);
    expect(fs.readFileSync(xlsxFile).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(rows[1]).toContain('"东门路灯坏了, ""很黑"""');
    expect(rows[1]).toContain('同意 2 · 反对 0 · 弃权 1');
    // A resident's text must never become a spreadsheet formula.
    expect(rows[2]).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('reports an unreachable database and a bad DATABASE_URL in one line', async () => {
    const down = await yishi(['rotation', 'show', 'demo'], { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(down.code).toBe(1);
    expect(lines(down.stderr)).toEqual([expect.stringMatching(/^yishi: cannot open the database at postgres:\/\/postgres@127\.0\.0\.1:1\/none: .*ECONNREFUSED/)]);
    const bad = await yishi(['rotation', 'show', 'demo'], { ...env, DATABASE_URL: 'nonsense' });
    expect(bad.code).toBe(1);
    expect(lines(bad.stderr)).toEqual([expect.stringMatching(/^yishi: invalid DATABASE_URL/)]);
  });

  it('prints the help on stdout with exit 0', async () => {
    const r = await inProcess('--help');
    expect(r.code).toBe(0);
    for (const c of ['community add', 'role grant|revoke', 'council add', 'rotation show', 'schedules', 'import', 'export']) expect(r.stdout).toContain(c);
  });
});
