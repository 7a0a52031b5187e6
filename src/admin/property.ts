/**
 * The property register from the admin CLI: `property import|show` (`owner …` in ./owner-cli.ts). The file
 * is checked (src/owners/property-csv.ts) before the database is opened; the use cases are in src/owners.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/client.js';
import { AdminError } from '../domain/admin-errors.js';
import { DEVELOPER_KEY, formatArea } from '../domain/owners.js';
import { requireCommunity, type Community } from '../org/communities.js';
import { importRegister } from '../owners/import.js';
import { registerListing } from '../owners/listing.js';
import { checkRegisterCsv } from '../owners/property-csv.js';
import type { RegisterRow } from '../owners/register.js';
import { slugOf, type Bad, type WithDb } from './cli-parts.js';

export { checkRegisterCsv, parseCsv } from '../owners/property-csv.js';
/** The owner commands, where the tests have always found them. */
export { linkOwner, ownerBallotsReport, ownerCode } from './owner-cli.js';

/** Bad rows listed before "and N more". */
const MAX_LISTED = 50;

/** Reads and checks the file before the database is opened; BAD_FILE lists every bad row. */
export function readRegisterFile(file: string): RegisterRow[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AdminError('BAD_FILE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const { rows, problems } = checkRegisterCsv(text);
  if (problems.length) {
    const listed = problems.slice(0, MAX_LISTED);
    if (problems.length > MAX_LISTED) listed.push(`… and ${problems.length - MAX_LISTED} more`);
    throw new AdminError('BAD_FILE', `${file}: ${problems.length} bad row(s); nothing imported\n${listed.join('\n')}`);
  }
  return rows;
}

/** `property import`: the register brought in line with the rows; what changed, as lines. */
export async function importProperty(db: Db, community: Community, rows: RegisterRow[], file: string, now: Date): Promise<string[]> {
  const { change: c, totals } = await importRegister(db, community, rows, file, now);
  const lines =
    c.inserted || c.changed || c.ownersCreated
      ? [`imported the property register of ${community.slug}: ${c.inserted} new, ${c.changed} changed, ${c.unchanged} unchanged unit(s); ${c.ownersCreated} new owner(s)`]
      : [`nothing changed: the register of ${community.slug} already matches the file (${rows.length} units)`];
  if (c.notInFile) lines.push(`${c.notInFile} unit(s) in the register are not in the file and were kept`);
  lines.push(`register: ${totals.units} units, ${totals.owners} owners by head, total exclusive area ${formatArea(totals.area)} m²`);
  return lines;
}

/** `property show`: every unit with its area and owner, each owner with units and linked identities, totals. */
export async function showProperty(db: Db, community: Community): Promise<string[]> {
  const { units, owners, totals } = await registerListing(db, community.id);
  if (!units.length) return [`${community.slug} has no property register yet (yishi property import ${community.slug} <file.csv>)`];
  const lines = [`property register of ${community.slug} (${community.name})`, 'building\tunit\tarea m²\towner'];
  for (const u of units) lines.push(`${u.building}\t${u.unit}\t${formatArea(u.area)}\t${u.ownerKey}`);
  lines.push('', 'owner\tunits\tarea m²\tlinked');
  for (const o of owners) {
    const note = o.key === DEVELOPER_KEY ? ' (unsold or undelivered: one owner by head)' : '';
    lines.push(`${o.key}${note}\t${o.units}\t${formatArea(o.area)}\t${o.linked.length ? o.linked.join(' ') : '-'}`);
  }
  lines.push('', `total: ${totals.units} units, ${totals.owners} owners by head, exclusive area ${formatArea(totals.area)} m²`);
  return lines;
}

/** `property import <slug> <file.csv>` and `property show <slug>`, checked before anything is opened. */
export function propertyJob<J>(positionals: string[], bad: Bad, withDb: WithDb<J>): J {
  const [sub, slug, file, ...extra] = positionals;
  if (sub === 'show' && slug && file === undefined) {
    const s = slugOf(slug, bad);
    return withDb(async (database, _config, ctx) => {
      for (const line of await showProperty(database.db, await requireCommunity(database.db, s))) ctx.out(line);
      return 0;
    });
  }
  if (sub !== 'import' || !slug || !file || extra.length) return bad('expected: property import <slug> <file.csv> or property show <slug>');
  const s = slugOf(slug, bad);
  const fullPath = path.resolve(file);
  return withDb(async (database, _config, ctx) => {
    let rows: RegisterRow[];
    try {
      rows = readRegisterFile(fullPath);
    } catch (e) {
      // Every bad row on its own line (the CLI's error path prints only one).
      if (!(e instanceof AdminError)) throw e;
      for (const line of e.message.split('\n')) ctx.err(line.startsWith('yishi:') ? line : `yishi: ${line}`);
      return 1;
    }
    const community = await requireCommunity(database.db, s);
    for (const line of await importProperty(database.db, community, rows, file, ctx.now())) ctx.out(line);
    return 0;
  });
}
