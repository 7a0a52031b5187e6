/**
 * The supervision committee (居务监督委员会): `/objection <n> <text>` (异议) by a supervisor of the community,
 * recorded on the item (shown with it, on the web page and on the 公示 notice) and told to the staff privately.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { objections, persons, roles } from '../db/schema.js';
import { refuse } from '../domain/errors.js';
import { clip, oneLine } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { writeOutbox } from '../messaging/outbox.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { getSuggestion, type CommandResult, type Ctx } from '../kernel/context.js';

export async function objection(ctx: Ctx, n: number, text: string): Promise<CommandResult> {
  const [role] = await ctx.tx.select({ role: roles.role }).from(roles).where(and(eq(roles.communityId, ctx.community.id), eq(roles.personId, ctx.personId)));
  if (role?.role !== 'supervisor') return refuse('NOT_SUPERVISOR');
  const s = await getSuggestion(ctx, n);
  const [row] = await ctx.tx.insert(objections).values({ communityId: ctx.community.id, suggestionId: s.id, personId: ctx.personId, text, createdAt: ctx.now }).returning();
  await ctx.audit('suggestion.objection', { number: n, objectionId: row!.id, text }, s.id);
  const staff = await ctx.tx.select({ p: roles.personId }).from(roles).where(and(eq(roles.communityId, ctx.community.id), eq(roles.role, 'staff')));
  const addresses = await privateAddressesOf(ctx.tx, staff.map((r) => r.p), () => true, ctx.chat?.platform);
  const written = await writeOutbox(
    ctx.tx,
    addresses.map((a) => ({
      platform: a.platform,
      platformChatId: a.platformChatId,
      dedupeKey: outboxKeys.objectionTo(row!.id, a.personId),
      payload: { text: t(a.lang, 'objection.toStaff', { community: ctx.community.name, n, who: ctx.displayName, text: clip(oneLine(text), 300) }) },
    })),
  );
  if (written.length) ctx.emit({ type: 'outbox.queued', dedupeKeys: written });
  return { reply: { text: ctx.t('objection.ok', { n }) } };
}

export interface ObjectionRow {
  at: Date;
  who: string;
  text: string;
}

/** The objections recorded on an item, oldest first (for /show, the web page and the 公示 notice). */
export async function objectionsOn(db: Db | Tx, suggestionId: number): Promise<ObjectionRow[]> {
  return db
    .select({ at: objections.createdAt, who: persons.displayName, text: objections.text })
    .from(objections)
    .innerJoin(persons, eq(persons.id, objections.personId))
    .where(eq(objections.suggestionId, suggestionId))
    .orderBy(asc(objections.id));
}
