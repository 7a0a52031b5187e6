/** The owners of the property register from the admin CLI: `owner link|code|ballots` (the use cases are in src/owners). */
import type { Db } from '../db/client.js';
import { userRefSchema, userRefText, type UserRef } from '../domain/admin-args.js';
import { AdminError } from '../domain/admin-errors.js';
import { formatArea, type Matter } from '../domain/owners.js';
import { t } from '../i18n/index.js';
import { requireCommunity, type Community } from '../org/communities.js';
import { issueOwnerCode, linkOwnerToUser } from '../owners/link.js';
import { ownerBallotsOf } from '../owners/listing.js';
import { choiceName, matterName } from '../owners/render.js';
import { slugOf, type Bad, type WithDb } from './cli-parts.js';

/** `owner link`: the user speaks for the owner in chats (their ballot covers the owner's units). */
export async function linkOwner(db: Db, community: Community, rawKey: string, user: UserRef, now: Date): Promise<string> {
  const { owner, personId, linked } = await linkOwnerToUser(db, community, rawKey, user, now);
  return linked
    ? `linked ${userRefText(user)} (person #${personId}) to owner ${owner.key} of ${community.slug}`
    : `${userRefText(user)} is already linked to owner ${owner.key} of ${community.slug}; nothing changed`;
}

/** `owner code`: a one-time code the owner sends as `/owner <code>` (in the group or privately). */
export async function ownerCode(db: Db, community: Community, rawKey: string, now: Date): Promise<string> {
  const { owner, code, expiresAt } = await issueOwnerCode(db, community, rawKey, now);
  return `owner code for ${owner.key} of ${community.slug}: ${code} (one use, until ${expiresAt.toISOString()}); the owner sends /owner ${code}`;
}

/** `owner ballots`: per unit, the ballot its owner cast in the latest owners' vote on suggestion n (staff audit). */
export async function ownerBallotsReport(db: Db, community: Community, n: number): Promise<string[]> {
  const found = await ownerBallotsOf(db, community.id, n);
  if (!found) throw new AdminError('BAD_ARGUMENT', `${community.slug} #${n} has no owners' vote`);
  const { vote, count } = found;
  const lines = [
    `owners' vote #${vote.id} on ${community.slug} #${n}: item ${vote.matter} (${matterName('zh', vote.matter as Matter)}), ${vote.status}${vote.outcome ? `, ${vote.outcome}` : ''}`,
    'building\tunit\tarea m²\towner\tballot\tcast at',
  ];
  for (const u of found.units) lines.push(`${u.building}\t${u.unit}\t${formatArea(u.area)}\t${u.ownerKey}\t${u.ballot ? choiceName('zh', u.ballot.choice) : '-'}\t${u.ballot ? u.ballot.at.toISOString() : '-'}`);
  const f = (r: { num: number; den: number }, area: boolean) => (area ? `${formatArea(r.num)}/${formatArea(r.den)} m²` : `${r.num}/${r.den}`);
  lines.push(
    '',
    `participation: area ${f(count.participationArea, true)}, heads ${f(count.participationHeads, false)}; approval: area ${f(count.approvalArea, true)}, heads ${f(count.approvalHeads, false)}`,
    `${t('en', 'owners.choice.1')} ${count.heads.agree} · ${t('en', 'owners.choice.2')} ${count.heads.against} · ${t('en', 'owners.choice.3')} ${count.heads.abstain} (by head); ${count.passed ? 'passes' : `fails: ${count.failed.join(', ')}`}${vote.status === 'open' ? ' (so far)' : ''}`,
  );
  return lines;
}

/** `owner link <slug> <owner key> <platform>:<userId>`, `owner code <slug> <owner key>`, `owner ballots <slug> <n>`. */
export function ownerJob<J>(positionals: string[], bad: Bad, withDb: WithDb<J>): J {
  const [sub, slug, key, who, ...extra] = positionals;
  const s = slugOf(slug, bad);
  const run = (lines: (db: Db, community: Community, now: Date) => Promise<string | string[]>) =>
    withDb(async (database, _config, ctx) => {
      for (const line of [await lines(database.db, await requireCommunity(database.db, s), ctx.now())].flat()) ctx.out(line);
      return 0;
    });
  if (sub === 'link' && key && who && !extra.length) {
    const r = userRefSchema.safeParse(who);
    if (!r.success) return bad(r.error.issues[0]?.message ?? 'bad user');
    return run((db, community, now) => linkOwner(db, community, key, r.data, now));
  }
  if (sub === 'code' && key && who === undefined) return run((db, community, now) => ownerCode(db, community, key, now));
  if (sub === 'ballots' && key && who === undefined) {
    const m = /^#?(\d{1,9})$/.exec(key);
    if (!m) return bad('expected: owner ballots <slug> <n> (the suggestion number)');
    return run((db, community) => ownerBallotsReport(db, community, Number(m[1])));
  }
  return bad('expected: owner link <slug> <owner key> <platform>:<userId>, owner code <slug> <owner key> or owner ballots <slug> <n>');
}
