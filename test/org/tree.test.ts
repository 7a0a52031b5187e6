import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { importData, importFileSchema } from '../../src/admin/import.js';
import { addGridTx, exportTree, showTree } from '../../src/admin/org.js';
import { freshDatabase } from '../support/services.js';
import { makeWorld, replyText, say, uid } from '../core/helpers.js';
import { dm, outboxTo, start } from '../whistle/support.js';

const tz = 'Asia/Shanghai';

describe('the organisation tree', () => {
  let database: Database;
  beforeAll(async () => { database = await freshDatabase(); });
  afterAll(async () => { await database.close(); });

  const count = async (table: string) => {
    const r = (await database.db.execute(sql.raw(`select count(*)::int as c from ${table}`))) as unknown as Array<{ c: number }> | { rows: Array<{ c: number }> };
    return (Array.isArray(r) ? r : r.rows)[0]!.c;
  };

  it('imports the whole tree; importing it again, or its own export, changes nothing', async () => {
    const file = importFileSchema.parse({
      org: {
        nodes: [
          { level: 'street', slug: 'andingmen', name: '安定门街道', parent: 'dongcheng', staff: ['telegram:900'] },
          { level: 'district', slug: 'dongcheng', name: '东城区' },
        ],
        units: [
          { at: 'dongcheng', name: '区城管委', kind: 'department', contacts: ['telegram:901'] },
          { at: 'andingmen', name: '街道综合执法队', kind: 'department' },
          { at: 'jiaodaokou', name: '某某物业', kind: 'property', contacts: ['wechat:wx902', 'telegram:903'] },
          { at: 'jiaodaokou', name: '业委会', kind: 'owners_committee' },
        ],
      },
      communities: [
        { slug: 'jiaodaokou', name: '交道口社区', parent: 'andingmen', grids: [{ slug: 'g1', name: '第一网格', workers: ['telegram:904'] }, { slug: 'g2', name: '第二网格' }] },
        { slug: 'fuxue', name: '府学社区', parent: 'andingmen' },
      ],
    });
    const first = await importData(database.db, file, new Date(), tz);
    expect(first.join('\n')).toContain('created street andingmen');
    const tables = ['org_nodes', 'org_staff', 'member_units', 'unit_contacts', 'grids', 'grid_workers', 'communities', 'audit_log'];
    const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)])));
    const after = await counts();
    expect(after).toMatchObject({ org_nodes: 4, org_staff: 1, member_units: 4, unit_contacts: 3, grids: 2, grid_workers: 1, communities: 2 });

    expect(await importData(database.db, file, new Date(), tz)).toEqual(['nothing to change: everything in the file is already there']);
    expect(await counts()).toEqual(after);

    const exported = await exportTree(database.db);
    expect(await importData(database.db, importFileSchema.parse(exported), new Date(), tz)).toEqual(['nothing to change: everything in the file is already there']);
    expect(await counts()).toEqual(after);
    expect(exported.org.nodes.map((n) => n.slug)).toEqual(['dongcheng', 'andingmen']);
    expect(exported.communities.find((c) => c.slug === 'jiaodaokou')).toMatchObject({ parent: 'andingmen', grids: [{ slug: 'g1', workers: ['telegram:904'] }, { slug: 'g2' }] });

    const shown = await showTree(database.db);
    expect(shown).toEqual([
      'district dongcheng 东城区 (1 units, 1 streets)',
      '  street andingmen 安定门街道 (1 units, 2 communities)',
      '    community fuxue 府学社区 (0 units, 0 grids)',
      '    community jiaodaokou 交道口社区 (2 units, 2 grids)',
    ]);
  });

  it('every community is a node: one created later is a leaf without a parent until placed', async () => {
    const [c] = await database.db.insert(s.communities).values({ slug: 'later', name: '后来的社区' }).returning();
    const [node] = await database.db.select().from(s.orgNodes).where(eq(s.orgNodes.communityId, c!.id));
    expect(node).toMatchObject({ level: 'community', slug: 'later', parentId: null });
  });

  it('routes a new item raised in a grid-bound chat to the grid and tells its worker privately', async () => {
    const w = await makeWorld(database);
    await database.db.transaction((tx) => addGridTx(tx, { community: w.slug, slug: 'g3', name: '第三网格', workers: [{ platform: 'telegram', platformUserId: uid(w, 'worker') }] }, 'test'));
    await start(w, 'worker');
    expect((await say(w, 'staff', `/bind ${w.slug} nosuch`)).errorCode).toBe('UNKNOWN_GRID');
    const bound = await say(w, 'staff', `/bind ${w.slug} g3`);
    expect(bound.errorCode).toBeUndefined();
    expect(replyText(bound)).toContain('第三网格');

    expect(replyText(await say(w, 'alice', '/suggest 5号楼电梯异响'))).toContain('#1');
    const [item] = await database.db.select().from(s.suggestions).where(and(eq(s.suggestions.communityId, w.communityId), eq(s.suggestions.number, 1)));
    const [grid] = await database.db.select().from(s.grids).where(and(eq(s.grids.communityId, w.communityId), eq(s.grids.slug, 'g3')));
    expect(item!.gridId).toBe(grid!.id);
    const told = await outboxTo(database, dm(w, 'worker'));
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('5号楼电梯异响');
    expect(told[0]!.key).toBe(`grid-item-${item!.id}-person-${(await database.db.select().from(s.identities).where(eq(s.identities.platformUserId, uid(w, 'worker'))))[0]!.personId}`);

    expect(replyText(await say(w, 'alice', '/list g3'))).toContain('5号楼电梯异响');
    expect(replyText(await say(w, 'staff', '/stats g3'))).toContain('第三网格');
    expect((await say(w, 'staff', '/stats nosuch')).errorCode).toBe('UNKNOWN_GRID');
  });
});
