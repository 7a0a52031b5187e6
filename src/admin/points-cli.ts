/**
 * The admin commands of party members and points, checked before anything is opened:
 *   members <slug>                                   members per grid and unit, pending ones marked
 *   points export <slug> [--quarter 2026Q4 | --year 2026] [--units]   CSV for evaluations (BOM, Chinese headers)
 *   points rules <slug> [--register N] [--service N] [--whistle N] [--abandon -N] [--grace-hours N]
 *                       [--ranking-in-group yes|no] [--ranking-top N]   show, or add a rules row from now on
 *   points correct <slug> <member number> --points=<±N> <reason>   a correcting entry (the ledger is never edited)
 */
import { parsePeriod, periodKey, periodLabel, type Period } from '../domain/points.js';
import { formatLocal, QUARTER_FORMS, quarterOf } from '../domain/time.js';
import { inTransaction } from '../kernel/unit-of-work.js';
import { roster } from '../members/roster.js';
import { requireCommunity } from '../org/communities.js';
import { correctPoints } from '../points/correct.js';
import { rulesOf, setRules, type PointsRules } from '../points/rules.js';
import { periodRange, personStandings, unitStandings } from '../points/standings.js';
import { peopleCsv } from '../reports/export.js';
import { slugOf, type Bad, type Values, type WithDb } from './cli-parts.js';

export const POINTS_OPTIONS = {
  members: {},
  points: {
    quarter: { type: 'string' },
    year: { type: 'string' },
    units: { type: 'boolean' },
    register: { type: 'string' },
    service: { type: 'string' },
    whistle: { type: 'string' },
    abandon: { type: 'string' },
    'grace-hours': { type: 'string' },
    'ranking-in-group': { type: 'string' },
    'ranking-top': { type: 'string' },
    points: { type: 'string' },
  },
} as const;

const str = (v: Values[string]) => (typeof v === 'string' ? v : undefined);

const int = (v: string, name: string, bad: Bad, min: number, max: number): number => {
  if (!/^[+-]?\d{1,4}$/.test(v) || Number(v) < min || Number(v) > max) bad(`--${name} is a whole number from ${min} to ${max}`);
  return Number(v);
};

/** CSV for people: a BOM, Chinese headers, CRLF line ends (the suggestions export's helper). */
const csv = peopleCsv;

export function pointsJob<J>(command: keyof typeof POINTS_OPTIONS, positionals: string[], values: Values, bad: Bad, withDb: WithDb<J>): J {
  if (command === 'members') {
    if (positionals.length !== 1) bad('expected: members <slug>');
    const slug = slugOf(positionals[0], bad);
    return withDb(async (database, config, ctx) => {
      const community = await requireCommunity(database.db, slug);
      const rows = await roster(database.db, community.id);
      ctx.out(`${community.slug} ${community.name}: ${rows.filter((r) => r.status === 'confirmed').length} confirmed party member(s), ${rows.filter((r) => r.status === 'pending').length} waiting for /confirm-member`);
      let grid: string | undefined;
      let unit: string | undefined;
      for (const r of rows) {
        if (r.grid !== grid) {
          grid = r.grid;
          unit = undefined;
          ctx.out(`grid: ${r.grid || '(none)'}`);
        }
        if (r.unit !== unit) {
          unit = r.unit;
          ctx.out(`  unit: ${r.unit}${r.typed ? ' (typed, not a registered unit)' : ''}`);
        }
        ctx.out(`    ${r.id} ${r.name} ${r.status === 'confirmed' ? `confirmed ${formatLocal(r.confirmedAt!, config.YISHI_TZ)}` : `pending since ${formatLocal(r.registeredAt, config.YISHI_TZ)}`}`);
      }
      return 0;
    });
  }

  const [sub, slugText, ...rest] = positionals;
  if (sub === 'export') {
    if (!slugText || rest.length) bad('expected: points export <slug> [--quarter 2026Q4 | --year 2026] [--units]');
    const slug = slugOf(slugText, bad);
    const q = str(values.quarter);
    const y = str(values.year);
    if (q !== undefined && y !== undefined) bad('give --quarter or --year, not both');
    let period: Period | undefined;
    if (q !== undefined) period = parsePeriod(q)?.kind === 'quarter' ? parsePeriod(q) : bad(`--quarter is like ${QUARTER_FORMS}`);
    if (y !== undefined) period = parsePeriod(y)?.kind === 'year' ? parsePeriod(y) : bad('--year is like 2026');
    return withDb(async (database, config, ctx) => {
      const community = await requireCommunity(database.db, slug);
      const p = period ?? { kind: 'quarter', quarter: quarterOf(ctx.now(), config.YISHI_TZ) };
      const range = periodRange(p, config.YISHI_TZ);
      if (values.units) {
        const rows = await unitStandings(database.db, community.id, range);
        ctx.stdout.write(csv(['排名', '单位', '合计积分', '其中党员积分', '党员人数', '期间'], rows.map((r) => [r.rank, r.name, r.points, r.byMembers, r.members, periodKey(p)])));
        ctx.err(`exported ${rows.length} unit(s) of ${slug} for ${periodLabel(p, 'en')}`);
        return 0;
      }
      const rows = await personStandings(database.db, community.id, range);
      ctx.stdout.write(
        csv(
          ['排名', '姓名', '报到编号', '网格', '工作单位/党组织', '报到积分', '服务积分', '吹哨积分', '扣分', '更正', '合计积分', '服务次数', '服务时长（小时）', '期间'],
          rows.map((r) => [r.rank, r.name, r.memberId, r.grid, r.unit, r.register, r.service, r.whistle, r.deducted, r.corrections, r.points, r.services, r.hours, periodKey(p)]),
        ),
      );
      ctx.err(`exported ${rows.length} member(s) of ${slug} for ${periodLabel(p, 'en')}`);
      return 0;
    });
  }

  if (sub === 'rules') {
    if (!slugText || rest.length) bad('expected: points rules <slug> [--register N] [--service N] [--whistle N] [--abandon -N] [--grace-hours N] [--ranking-in-group yes|no] [--ranking-top N]');
    const slug = slugOf(slugText, bad);
    const change: Partial<PointsRules> = {};
    const v = (k: string) => str(values[k]);
    if (v('register') !== undefined) change.register = int(v('register')!, 'register', bad, 0, 1000);
    if (v('service') !== undefined) change.service = int(v('service')!, 'service', bad, 0, 1000);
    if (v('whistle') !== undefined) change.whistleOnTime = int(v('whistle')!, 'whistle', bad, 0, 1000);
    if (v('abandon') !== undefined) change.abandon = -Math.abs(int(v('abandon')!, 'abandon', bad, -1000, 1000));
    if (v('grace-hours') !== undefined) change.graceHours = int(v('grace-hours')!, 'grace-hours', bad, 0, 720);
    if (v('ranking-top') !== undefined) change.rankingTop = int(v('ranking-top')!, 'ranking-top', bad, 1, 100);
    const rig = v('ranking-in-group');
    if (rig !== undefined) change.rankingInGroup = rig === 'yes' ? true : rig === 'no' ? false : bad('--ranking-in-group is yes or no');
    return withDb(async (database, _config, ctx) => {
      const community = await requireCommunity(database.db, slug);
      const rules = Object.keys(change).length
        ? await inTransaction(database.db, (tx) => setRules(tx, community.id, change, ctx.now(), 'cli'))
        : await rulesOf(database.db, community.id, ctx.now());
      ctx.out(
        `${slug} points rules${Object.keys(change).length ? ' from now on' : ''}: register ${rules.register}, service ${rules.service} (default per need), whistle answered on time ${rules.whistleOnTime} (to the unit), ` +
          `abandoned claim ${rules.abandon} after ${rules.graceHours} h, ranking in the group ${rules.rankingInGroup ? `yes (top ${rules.rankingTop})` : 'no'}`,
      );
      return 0;
    });
  }

  if (sub === 'correct') {
    const [memberText, ...reasonWords] = rest;
    const pointsText = str(values.points);
    if (!slugText || !memberText || !pointsText || !reasonWords.length) bad('expected: points correct <slug> <member number> --points=<±N> <reason>');
    const slug = slugOf(slugText, bad);
    if (!/^\d{1,9}$/.test(memberText!)) bad('the member number is the one `yishi members` shows');
    const points = int(pointsText!, 'points', bad, -1000, 1000);
    if (points === 0) bad('a correction of 0 points changes nothing');
    const reason = reasonWords.join(' ').trim().slice(0, 200);
    return withDb(async (database, _config, ctx) => {
      const community = await requireCommunity(database.db, slug);
      const { memberId, entry } = await correctPoints(database.db, community, { memberId: Number(memberText), points, reason, at: ctx.now(), via: 'cli' });
      const line = `added correction ${points > 0 ? '+' : ''}${points} to member ${memberId} of ${slug} (entry ${entry.id}): ${reason}`;
      ctx.out(line);
      return 0;
    });
  }
  return bad('expected: points export|rules|correct …');
}
