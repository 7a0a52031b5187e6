/**
 * The time-driven part of a need, called by the jobs (jobs/needs.ts) at the times plan.ts gives: before
 * the date, the grid's members are reminded of a need with free places; after it, claimers who have not
 * reported are reminded; `graceHours` later (the community's rules) such a claim is abandoned and the
 * rules' deduction entered. Each run checks Postgres first, so a late, early or repeated run does no harm.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { auditLog, communities, needClaims, needs, partyMembers } from '../db/schema.js';
import { clip, oneLine } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { privateAddressesOf, type ScheduledResult, type ScheduledRun } from '../messaging/addresses.js';
import { outboxHasKeyPrefix, writeOutbox, type OutboxMessage } from '../messaging/outbox.js';
import { addEntry } from '../points/ledger.js';
import { rulesOf } from '../points/rules.js';
import { placesTaken, type Need } from './needs.js';
import { memberOutboxKeys } from '../messaging/outbox-keys.js';
import { confirmedMemberPersons } from './roster.js';
import { inTransaction } from '../kernel/unit-of-work.js';

/** The unclaimed reminder goes out at noon the day before the need's last day (36 h before its end). */
export const UNCLAIMED_BEFORE_MS = 36 * 3600e3;

export type NeedStep = 'unclaimed' | 'late' | 'abandon';

async function loadLocked(tx: Tx, needId: number) {
  const [row] = await tx
    .select({ n: needs, community: communities.name, slug: communities.slug })
    .from(needs)
    .innerJoin(communities, eq(communities.id, needs.communityId))
    .where(eq(needs.id, needId))
    .for('update', { of: needs });
  return row;
}

const audit = (tx: Tx, n: Need, action: string, data: Record<string, unknown>, now: Date) =>
  tx.insert(auditLog).values({ communityId: n.communityId, action, data: { needId: n.id, ...data }, at: now });

/** When the abandon step of a need runs: its date plus the community's grace. */
export async function abandonAt(db: Db | Tx, n: Need): Promise<Date | undefined> {
  if (!n.dueAt) return undefined;
  const rules = await rulesOf(db, n.communityId, n.dueAt);
  return new Date(n.dueAt.getTime() + rules.graceHours * 3600e3);
}

/** Runs one step of a need whose date was `dueMs` when the job was planned. */
export async function needStep(run: ScheduledRun, needId: number, step: NeedStep, dueMs: number): Promise<ScheduledResult> {
  const { db, now } = run;
  return inTransaction(db, async (tx) => {
    const row = await loadLocked(tx, needId);
    if (!row) return { note: 'no need', queued: [] };
    const { n } = row;
    if (!n.dueAt || n.dueAt.getTime() !== dueMs) return { note: 'date moved', queued: [] };
    const due = n.dueAt;
    const what = clip(oneLine(n.text), 60);

    if (step === 'unclaimed') {
      if (now.getTime() >= due.getTime()) return { note: 'too late', queued: [] };
      if (now.getTime() < due.getTime() - UNCLAIMED_BEFORE_MS) return { note: 'not yet due', queued: [] };
      const taken = await placesTaken(tx, n.id);
      if (taken >= n.capacity) return { note: 'all claimed', queued: [] };
      if (await outboxHasKeyPrefix(tx, memberOutboxKeys.unclaimed(n.id, due))) return { note: 'already reminded', queued: [] };
      const claimed = (await tx.select({ personId: needClaims.personId }).from(needClaims).where(eq(needClaims.needId, n.id))).map((r) => r.personId);
      const members = (await confirmedMemberPersons(tx, n.communityId, n.gridId)).filter((p) => !claimed.includes(p));
      const addresses = await privateAddressesOf(tx, members, run.reachable);
      const messages: OutboxMessage[] = addresses.map((a) => ({
        platform: a.platform,
        platformChatId: a.platformChatId,
        dedupeKey: memberOutboxKeys.unclaimedTo(n.id, due, a.personId),
        payload: { text: t(a.lang, 'need.remind.unclaimed', { id: n.id, text: what, community: row.community, due: n.dueDate ?? '', free: n.capacity - taken }) },
      }));
      const written = await writeOutbox(tx, messages);
      await audit(tx, n, 'need.reminded_unclaimed', { due: due.toISOString(), persons: messages.length }, now);
      return { note: `reminded ${messages.length}`, queued: written };
    }

    if (now.getTime() < due.getTime()) return { note: 'not yet due', queued: [] };
    const open = await tx.select().from(needClaims).where(and(eq(needClaims.needId, n.id), eq(needClaims.status, 'claimed'))).for('update');
    if (!open.length) return { note: 'nothing open', queued: [] };
    const rules = await rulesOf(tx, n.communityId, due);
    const addresses = await privateAddressesOf(tx, open.map((c) => c.personId), run.reachable);
    const addressOf = (personId: number) => addresses.find((a) => a.personId === personId);

    if (step === 'late') {
      const messages: OutboxMessage[] = [];
      for (const c of open) {
        const a = addressOf(c.personId);
        if (a) messages.push({ platform: a.platform, platformChatId: a.platformChatId, dedupeKey: memberOutboxKeys.lateTo(c.id, due), payload: { text: t(a.lang, 'need.remind.late', { id: n.id, text: what, community: row.community, due: n.dueDate ?? '', hours: rules.graceHours, points: -rules.abandon }) } });
      }
      const written = await writeOutbox(tx, messages);
      if (written.length) await audit(tx, n, 'need.reminded_late', { due: due.toISOString(), claims: open.map((c) => c.id), persons: written.length }, now);
      return { note: `reminded ${written.length}`, queued: messages.map((m) => m.dedupeKey) };
    }

    if (now.getTime() < due.getTime() + rules.graceHours * 3600e3) return { note: 'not yet due', queued: [] };
    const ids = open.map((c) => c.id);
    await tx.update(needClaims).set({ status: 'abandoned', abandonedAt: now }).where(inArray(needClaims.id, ids));
    const members = await tx.select().from(partyMembers).where(inArray(partyMembers.id, open.map((c) => c.memberId)));
    const entries: Array<{ claimId: number; entryId: number | null }> = [];
    for (const c of open) {
      const member = members.find((m) => m.id === c.memberId)!;
      const e = rules.abandon ? await addEntry(tx, { communityId: n.communityId, kind: 'abandon', points: rules.abandon, at: now, member, needId: n.id, claimId: c.id, reason: `need ${n.id} not served by ${n.dueDate}` }) : undefined;
      entries.push({ claimId: c.id, entryId: e?.id ?? null });
    }
    const messages: OutboxMessage[] = [];
    for (const c of open) {
      const a = addressOf(c.personId);
      if (a) messages.push({ platform: a.platform, platformChatId: a.platformChatId, dedupeKey: memberOutboxKeys.abandonedTo(c.id), payload: { text: t(a.lang, 'need.abandoned.toClaimer', { id: n.id, text: what, community: row.community, points: -rules.abandon }) } });
    }
    const written = await writeOutbox(tx, messages);
    await audit(tx, n, 'need.claims_abandoned', { due: due.toISOString(), points: rules.abandon, claims: entries }, now);
    return { note: `abandoned ${open.length}`, queued: written };
  });
}
