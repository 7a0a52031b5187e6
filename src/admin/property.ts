/**
 * The property register from the admin CLI: `property import|show`, `owner link|code|ballots`.
 *
 * The import file is CSV (UTF-8, optional BOM) with the header `building,unit,area,owner`: area in m²
 * with at most two decimals, owner a stable key (ID-card or phone number; the same key on several rows
 * is one owner of several units; co-owners of a unit share one key; `developer` marks units the
 * developer has not sold or delivered). Every bad row is listed with its line number and then nothing is
 * imported; importing the same file again changes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Config } from '../lib/config.js';
import type { Database, Db } from '../db/client.js';
import { communities, ownerBallots } from '../db/schema.js';
import { DEVELOPER_KEY, formatArea, normalizeOwnerKey, parseArea, type Matter, type OwnersCount } from '../domain/owners.js';
import { oneLine } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { createOwnerCode } from '../owners/codes.js';
import { countVote, latestOwnersVote } from '../owners/close.js';
import { applyRegister, findOwner, hasOpenOwnersVote, linkOwnerPerson, ownerIdentities, registerTotals, unitsOf, type RegisterRow } from '../owners/register.js';
import { choiceName, matterName } from '../owners/render.js';
import { requireCommunity, type Community } from './communities.js';
import { AdminError } from './errors.js';
import { ensurePerson } from './roles.js';
import { slugSchema, userRefSchema, type UserRef } from './validation.js';
import type { Bad, CliCtx, WithDb } from './cli-parts.js';

const HEADER = ['building', 'unit', 'area', 'owner'];
const MAX_NAME = 40;
/** Bad rows listed before "and N more". */
const MAX_LISTED = 50;

/** Splits CSV text into records of fields with their starting line numbers (quotes as RFC 4180). */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let line = 1;
  let start = 1;
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let wasQuoted = false;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== '' || wasQuoted) out.push({ line: start, fields });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
  }
  if (field !== '' || fields.length || wasQuoted) endRecord();
  return out;
}

/** Validates the file's rows: the rows, or every problem as `line N: …` (nothing is imported then). */
export function checkRegisterCsv(text: string): { rows: RegisterRow[]; problems: string[] } {
  const records = parseCsv(text);
  const problems: string[] = [];
  if (!records.length) return { rows: [], problems: ['line 1: the file is empty; expected the header building,unit,area,owner'] };
  const header = records[0].fields.map((f) => f.trim().toLowerCase());
  if (header.join(',') !== HEADER.join(','))
    return { rows: [], problems: [`line ${records[0].line}: the header must be building,unit,area,owner (got ${JSON.stringify(records[0].fields.join(',').slice(0, 80))})`] };
  if (records.length === 1) return { rows: [], problems: ['the file has a header but no units'] };
  const rows: RegisterRow[] = [];
  const firstLine = new Map<string, number>();
  for (const { line, fields } of records.slice(1)) {
    const bad = (why: string) => problems.push(`line ${line}: ${why}`);
    if (fields.length !== 4) {
      bad(`expected 4 fields building,unit,area,owner, got ${fields.length}`);
      continue;
    }
    const [b, u, a, o] = fields;
    const building = oneLine(b);
    const unit = oneLine(u);
    const area = parseArea(a);
    const ownerKey = normalizeOwnerKey(o);
    const why: string[] = [];
    if (!building || [...building].length > MAX_NAME) why.push(`building must be 1-${MAX_NAME} characters`);
    if (!unit || [...unit].length > MAX_NAME) why.push(`unit must be 1-${MAX_NAME} characters`);
    if (area === undefined) why.push(`area ${JSON.stringify(a.trim().slice(0, 20))} is not a positive number of m² with at most two decimals`);
    if (!ownerKey) why.push(`owner ${JSON.stringify(o.trim().slice(0, 20))} is not a key of 1-64 letters, digits or . _ @ + -`);
    const k = `${building}\u0000${unit}`;
    if (building && unit && firstLine.has(k)) why.push(`unit ${building} ${unit} is already on line ${firstLine.get(k)}`);
    if (why.length) {
      bad(why.join('; '));
      continue;
    }
    firstLine.set(k, line);
    rows.push({ line, building, unit, area: area!, ownerKey: ownerKey! });
  }
  return { rows, problems };
}

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

/** `property import`: the register brought in line with the rows, in one transaction. */
export async function importProperty(db: Db, community: Community, rows: RegisterRow[], file: string, now: Date): Promise<string[]> {
  return db.transaction(async (tx) => {
    // The community row serializes imports with each other and with opening an owners' vote.
    await tx.select({ id: communities.id }).from(communities).where(eq(communities.id, community.id)).for('update');
    if (await hasOpenOwnersVote(tx, community.id))
      throw new AdminError('VOTE_OPEN', `${community.slug} has an open owners' vote: the register cannot change until it closes; nothing imported`);
    const c = await applyRegister(tx, community.id, rows, now, file);
    const totals = await registerTotals(tx, community.id);
    const summary = `${totals.units} units, ${totals.owners} owners by head, total exclusive area ${formatArea(totals.area)} m²`;
    const lines =
      c.inserted || c.changed || c.ownersCreated
        ? [`imported the property register of ${community.slug}: ${c.inserted} new, ${c.changed} changed, ${c.unchanged} unchanged unit(s); ${c.ownersCreated} new owner(s)`]
        : [`nothing changed: the register of ${community.slug} already matches the file (${rows.length} units)`];
    if (c.notInFile) lines.push(`${c.notInFile} unit(s) in the register are not in the file and were kept`);
    lines.push(`register: ${summary}`);
    return lines;
  });
}

/** `property show`: every unit with its area and owner, each owner with units and linked identities, totals. */
export async function showProperty(db: Db, community: Community): Promise<string[]> {
  const units = await unitsOf(db, community.id);
  if (!units.length) return [`${community.slug} has no property register yet (yishi property import ${community.slug} <file.csv>)`];
  const lines = [`property register of ${community.slug} (${community.name})`, 'building\tunit\tarea m²\towner'];
  for (const u of units) lines.push(`${u.building}\t${u.unit}\t${formatArea(u.area)}\t${u.ownerKey}`);
  const owners = new Map<number, { key: string; units: number; area: number }>();
  for (const u of units) {
    const o = owners.get(u.ownerId) ?? { key: u.ownerKey, units: 0, area: 0 };
    o.units++;
    o.area += u.area;
    owners.set(u.ownerId, o);
  }
  const linked = await ownerIdentities(db, [...owners.keys()]);
  lines.push('', 'owner\tunits\tarea m²\tlinked');
  for (const [id, o] of [...owners].sort((a, b) => a[1].key.localeCompare(b[1].key))) {
    const note = o.key === DEVELOPER_KEY ? ' (unsold or undelivered: one owner by head)' : '';
    lines.push(`${o.key}${note}\t${o.units}\t${formatArea(o.area)}\t${linked.get(id)?.join(' ') ?? '-'}`);
  }
  const total = units.reduce((a, u) => a + u.area, 0);
  lines.push('', `total: ${units.length} units, ${owners.size} owners by head, exclusive area ${formatArea(total)} m²`);
  return lines;
}

async function requireOwner(db: Db, community: Community, rawKey: string) {
  const key = normalizeOwnerKey(rawKey);
  const owner = key ? await findOwner(db, community.id, key) : undefined;
  if (!owner) throw new AdminError('UNKNOWN_OWNER', `${community.slug} has no owner ${JSON.stringify(rawKey.slice(0, 64))} in its property register; nothing changed`);
  return owner;
}

/** `owner link`: the user speaks for the owner in chats (their ballot covers the owner's units). */
export async function linkOwner(db: Db, community: Community, rawKey: string, user: UserRef, now: Date): Promise<string> {
  const owner = await requireOwner(db, community, rawKey);
  return db.transaction(async (tx) => {
    const { personId } = await ensurePerson(tx, user);
    const label = `${user.platform}:${user.platformUserId}`;
    return (await linkOwnerPerson(tx, owner, personId, 'cli', now))
      ? `linked ${label} (person #${personId}) to owner ${owner.key} of ${community.slug}`
      : `${label} is already linked to owner ${owner.key} of ${community.slug}; nothing changed`;
  });
}

/** `owner code`: a one-time code the owner sends as `/owner <code>` (in the group or privately). */
export async function ownerCode(db: Db, community: Community, rawKey: string, now: Date): Promise<string> {
  const owner = await requireOwner(db, community, rawKey);
  const { code, expiresAt } = await db.transaction((tx) => createOwnerCode(tx, owner, now));
  return `owner code for ${owner.key} of ${community.slug}: ${code} (one use, until ${expiresAt.toISOString()}); the owner sends /owner ${code}`;
}

/** `owner ballots`: per unit, the ballot its owner cast in the latest owners' vote on suggestion n (staff audit). */
export async function ownerBallotsReport(db: Db, community: Community, n: number): Promise<string[]> {
  const found = await latestOwnersVote(db, community.id, n);
  if (!found) throw new AdminError('BAD_ARGUMENT', `${community.slug} #${n} has no owners' vote`);
  const { vote } = found;
  const ballots = new Map((await db.select().from(ownerBallots).where(eq(ownerBallots.voteId, vote.id))).map((b) => [b.ownerId, b]));
  // A closed vote shows the figures frozen at its close; an open one, the count so far.
  const count = vote.status === 'closed' && vote.result ? (vote.result as OwnersCount) : await countVote(db, vote);
  const lines = [
    `owners' vote #${vote.id} on ${community.slug} #${n}: item ${vote.matter} (${matterName('zh', vote.matter as Matter)}), ${vote.status}${vote.outcome ? `, ${vote.outcome}` : ''}`,
    'building\tunit\tarea m²\towner\tballot\tcast at',
  ];
  for (const u of await unitsOf(db, community.id)) {
    const b = ballots.get(u.ownerId);
    lines.push(`${u.building}\t${u.unit}\t${formatArea(u.area)}\t${u.ownerKey}\t${b ? choiceName('zh', b.choice) : '-'}\t${b ? (b.changedAt ?? b.castAt).toISOString() : '-'}`);
  }
  const f = (r: { num: number; den: number }, area: boolean) => (area ? `${formatArea(r.num)}/${formatArea(r.den)} m²` : `${r.num}/${r.den}`);
  lines.push(
    '',
    `participation: area ${f(count.participationArea, true)}, heads ${f(count.participationHeads, false)}; approval: area ${f(count.approvalArea, true)}, heads ${f(count.approvalHeads, false)}`,
    `${t('en', 'owners.choice.1')} ${count.heads.agree} · ${t('en', 'owners.choice.2')} ${count.heads.against} · ${t('en', 'owners.choice.3')} ${count.heads.abstain} (by head); ${count.passed ? 'passes' : `fails: ${count.failed.join(', ')}`}${vote.status === 'open' ? ' (so far)' : ''}`,
  );
  return lines;
}


function slugOf(v: string | undefined, bad: Bad): string {
  const r = slugSchema.safeParse(v ?? '');
  return r.success ? r.data : bad(r.error.issues[0]?.message ?? 'bad slug');
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

/** `owner link <slug> <owner key> <platform>:<userId>`, `owner code <slug> <owner key>`, `owner ballots <slug> <n>`. */
export function ownerJob<J>(positionals: string[], bad: Bad, withDb: WithDb<J>): J {
  const [sub, slug, key, who, ...extra] = positionals;
  const s = slugOf(slug, bad);
  if (sub === 'link' && key && who && !extra.length) {
    const r = userRefSchema.safeParse(who);
    if (!r.success) return bad(r.error.issues[0]?.message ?? 'bad user');
    return withDb(async (database, _config, ctx) => {
      ctx.out(await linkOwner(database.db, await requireCommunity(database.db, s), key, r.data, ctx.now()));
      return 0;
    });
  }
  if (sub === 'code' && key && who === undefined) {
    return withDb(async (database, _config, ctx) => {
      ctx.out(await ownerCode(database.db, await requireCommunity(database.db, s), key, ctx.now()));
      return 0;
    });
  }
  if (sub === 'ballots' && key && who === undefined) {
    const m = /^#?(\d{1,9})$/.exec(key);
    if (!m) return bad('expected: owner ballots <slug> <n> (the suggestion number)');
    return withDb(async (database, _config, ctx) => {
      for (const line of await ownerBallotsReport(database.db, await requireCommunity(database.db, s), Number(m[1]))) ctx.out(line);
      return 0;
    });
  }
  return bad('expected: owner link <slug> <owner key> <platform>:<userId>, owner code <slug> <owner key> or owner ballots <slug> <n>');
}
