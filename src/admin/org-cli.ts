/**
 * The tree's admin commands (`org`, `unit`, `grid`, `stats`), checked before anything is opened:
 *   org add <level> <slug> <name> [--parent <slug>] · org move <slug> --parent <slug> · org show [<slug>]
 *   org staff <street|district> <platform>:<userId> · unit add <node> <name> --kind K [--contact p:id]
 *   grid add <community> <slug> <name> [--worker p:id] · stats <slug> [--quarter 2026Q4] [--format csv]
 */
import type { Database, Db, Tx } from '../db/client.js';
import { communityNameSchema, slugSchema, unitNameSchema, userRefSchema } from '../domain/admin-args.js';
import { AdminError } from '../domain/admin-errors.js';
import { QUARTER_FORMS, quarterOf, readQuarter } from '../domain/time.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { addNodeTx, levelSchema, moveNodeTx } from '../org/add-node.js';
import { exportTree } from '../org/export.js';
import { addGridTx } from '../org/grids.js';
import { addNodeStaffTx } from '../org/staff.js';
import { nodeBySlug, requireNode } from '../org/tree.js';
import { addUnitTx, unitKindSchema } from '../org/units.js';
import { figuresCsv } from '../reports/export.js';
import { hours, pct, areaFigures } from '../whistle/figures.js';
import type { Bad, CliCtx, Values, WithDb } from './cli-parts.js';
import { showTree } from './org.js';
import { areaOverview } from '../consultation/area-stats.js';
import { areaWorkbook } from '../reports/practice-tables.js';
import fs from 'node:fs';


export const ORG_OPTIONS = {
  org: { parent: { type: 'string' } },
  unit: { kind: { type: 'string' }, contact: { type: 'string' } },
  grid: { worker: { type: 'string' } },
  stats: { quarter: { type: 'string' }, format: { type: 'string' } },
} as const;

function check<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, v: unknown, bad: Bad): T {
  const r = schema.safeParse(v);
  return r.success ? r.data : bad(r.error.issues[0]?.message ?? 'invalid argument');
}

const str = (v: Values[string]) => (typeof v === 'string' ? v : undefined);

export function orgJob<J>(command: keyof typeof ORG_OPTIONS, positionals: string[], values: Values, bad: Bad, withDb: WithDb<J>): J {
  const print = (fn: (database: Database) => Promise<Array<string | undefined>>) =>
    withDb(async (database, _config, ctx) => {
      const out = (await fn(database)).filter((l): l is string => Boolean(l));
      for (const l of out.length ? out : ['nothing changed: it is already there']) ctx.out(l);
      return 0;
    });
  /** One use case in one transaction with its audit rows; what it changed, as lines. */
  const tx = (work: (t: Tx) => Promise<string | undefined | string[]>) => print(async (d) => [await inTransaction(d.db, work)].flat());
  const [sub, ...rest] = positionals;
  switch (command) {
    case 'org': {
      const parent = str(values.parent) === undefined ? undefined : check(slugSchema, values.parent, bad);
      if (sub === 'add') {
        const [level, slug, ...name] = rest;
        if (!level || !slug || !name.length) bad('expected: org add <level> <slug> <name> [--parent <slug>]');
        const n = { level: check(levelSchema, level, bad), slug: check(slugSchema, slug, bad), name: check(communityNameSchema, name.join(' '), bad), parent };
        return tx((t) => addNodeTx(t, n, 'cli'));
      }
      if (sub === 'move') {
        const [slug, ...extra] = rest;
        if (!slug || extra.length || !parent) bad('expected: org move <slug> --parent <slug>');
        const s = check(slugSchema, slug, bad);
        return tx((t) => moveNodeTx(t, s, parent!, 'cli'));
      }
      if (sub === 'show') {
        if (rest.length > 1) bad('expected: org show [<slug>]');
        const s = rest[0] === undefined ? undefined : check(slugSchema, rest[0], bad);
        return print((d) => showTree(d.db, s));
      }
      if (sub === 'staff') {
        const [slug, who, ...extra] = rest;
        if (!slug || !who || extra.length) bad('expected: org staff <street|district slug> <platform>:<userId>');
        const s = check(slugSchema, slug, bad);
        const user = check(userRefSchema, who, bad);
        return tx((t) => addNodeStaffTx(t, s, user, 'cli'));
      }
      return bad('expected: org add|move|show|staff …');
    }
    case 'unit': {
      const [slug, ...name] = rest;
      if (sub !== 'add' || !slug || !name.length || !str(values.kind)) bad('expected: unit add <slug> <name> --kind K [--contact <platform>:<userId>]');
      const u = {
        at: check(slugSchema, slug, bad),
        name: check(unitNameSchema, name.join(' '), bad),
        kind: check(unitKindSchema, values.kind, bad),
        contacts: str(values.contact) === undefined ? [] : [check(userRefSchema, values.contact, bad)],
      };
      return tx((t) => addUnitTx(t, u, 'cli'));
    }
    case 'grid': {
      const [community, slug, ...name] = rest;
      if (sub !== 'add' || !community || !slug || !name.length) bad('expected: grid add <community> <slug> <name> [--worker <platform>:<userId>]');
      const g = {
        community: check(slugSchema, community, bad),
        slug: check(slugSchema, slug, bad),
        name: check(communityNameSchema, name.join(' '), bad),
        workers: str(values.worker) === undefined ? [] : [check(userRefSchema, values.worker, bad)],
      };
      return tx((t) => addGridTx(t, g, 'cli'));
    }
    case 'stats': {
      if (!sub || rest.length) bad('expected: stats <slug> [--quarter 2026Q4] [--format csv]');
      const s = check(slugSchema, sub, bad);
      const typed = str(values.quarter);
      const quarter = typed === undefined ? undefined : (readQuarter(typed) ?? bad(`--quarter is like ${QUARTER_FORMS}`));
      const format = str(values.format) ?? 'text';
      if (format !== 'text' && format !== 'csv') bad('--format is text or csv');
      return withDb(async (database, config, ctx) => {
        const node = await requireNode(database.db, s);
        const rows = await areaFigures(database.db, node, ctx.now(), config.YISHI_TZ, quarter);
        if (format === 'csv') {
          ctx.stdout.write(figuresCsv(rows));
          return 0;
        }
        ctx.out(`${node.level} ${node.slug} ${node.name}: whistles ${quarter ?? `all time (now ${quarterOf(ctx.now(), config.YISHI_TZ)})`}`);
        for (const r of rows) {
          const who = r.scope === 'total' ? 'total' : r.scope === 'level' ? `units at ${r.level} level` : `  ${r.unit} (${r.at})`;
          ctx.out(
            `${who}: received ${r.received}, reported on time ${r.reportedOnTime} (${pct(r.reportedOnTimeRate)}), answered on time ${r.answeredOnTime} (${pct(r.answeredOnTimeRate)}), ` +
              `median to report ${hours(r.medianReportMs)}, to answer ${hours(r.medianAnswerMs)}, open ${r.open}, overdue ${r.overdue}`,
          );
        }
        // The communities' own figures: stages, unanswered items, quarters without a held consultation meeting.
        for (const r of await areaOverview(database.db, node, ctx.now(), config.YISHI_TZ)) {
          const st = r.stats;
          const unmet = st.quarters.filter((q) => !q.met).map((q) => (q.running ? `${q.quarter} (running, not yet met)` : q.quarter));
          ctx.out(
            `community ${r.community.slug}: ${Object.entries(st.stages).map(([k, v]) => `${k} ${v}`).join(', ') || 'no items'}; unanswered ${st.unanswered.length}; ` +
              `quarters met ${st.quarters.length - unmet.length}/${st.quarters.length}; without a held meeting: ${unmet.join(', ') || 'none'}; satisfaction ${pct(st.satisfaction)}`,
          );
        }
        return 0;
      });
    }
  }
}

/**
 * `export` without a slug, or with a district's or street's: the (part of the) tree as an import file.
 * False for a community's slug, whose suggestions `export` gives as before.
 */
export async function exportTreeIfNode(db: Db, slug: string | undefined, format: string | boolean, ctx: Pick<CliCtx, 'stdout' | 'err'>): Promise<boolean> {
  if (slug !== undefined) {
    const node = await nodeBySlug(db, slug);
    if (!node || node.level === 'community') return false;
  }
  if (format !== 'json') throw new AdminError('BAD_ARGUMENT', 'the tree is exported as JSON only (--format json)');
  const tree = await exportTree(db, slug);
  ctx.stdout.write(JSON.stringify(tree, null, 2) + '\n');
  ctx.err(`exported ${tree.org.nodes.length} district(s) and street(s), ${tree.communities.length} communit(ies), ${tree.org.units.length} unit(s)`);
  return true;
}

/** `export <street|district> --format xlsx`: its communities side by side (/o/<slug>'s figures) and their quarters. False for a community. */
export async function exportAreaIfNode(db: Db, slug: string | undefined, opts: { lang: 'zh' | 'en'; out?: string }, config: { YISHI_TZ: string }, ctx: Pick<CliCtx, 'stdout' | 'err' | 'now'>): Promise<boolean> {
  const node = slug === undefined ? undefined : await nodeBySlug(db, slug);
  if (!node || node.level === 'community') return false;
  const data = await areaWorkbook(db, node, opts.lang, config.YISHI_TZ, ctx.now());
  if (opts.out) fs.writeFileSync(opts.out, data);
  else await new Promise<void>((resolve, reject) => (ctx.stdout as NodeJS.WritableStream).write(data, (err?: Error | null) => (err ? reject(err) : resolve())));
  ctx.err(`exported ${node.level} ${node.slug} as xlsx${opts.out ? ` to ${opts.out}` : ''}`);
  return true;
}
