/**
 * 党员报到, in a private chat: `/register <community> [grid] <unit>` reports the writer to the community
 * (and grid) where they live, with their work unit or party organisation: one of the units registered at
 * the community or above when the name matches one, else the name as typed. Staff confirm it
 * (/confirm-member) before anything counts; until then a new /register corrects it.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { communities, memberUnits, partyMembers, type MemberKind } from '../db/schema.js';
import { freeText, parseArg, splitArgs } from '../domain/args.js';
import { refuse } from '../domain/errors.js';
import { oneLine } from '../domain/text.js';
import { t } from '../i18n/index.js';
import { privateAddressesOf } from '../messaging/addresses.js';
import { writeOutbox } from '../messaging/outbox.js';
import type { CommandResult } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { findGrid, gridsOf } from '../org/grids.js';
import { communityByName } from '../org/communities.js';
import { staffOfNode } from '../org/staff.js';
import { communityNode, pathUp } from '../org/tree.js';
import { findUnitByName } from '../org/units.js';
import { actorOfPerson, auditIn } from './actor.js';
import { memberOutboxKeys } from '../messaging/outbox-keys.js';

export const REGISTER_EXAMPLE = '党员报到 交道口社区 第一网格 区住建局';
const UNIT_MAX = 60;

/** `kind` volunteer: 志愿者报到 (`/register volunteer …`): volunteers claim needs too; their points are ranked apart. */
export async function register(ctx: PersonCtx, args: string, kind: MemberKind = 'party'): Promise<CommandResult> {
  const [slugText, rest = ''] = splitArgs(args, 2);
  if (!slugText) return { reply: { text: ctx.t('members.register.usage', { example: REGISTER_EXAMPLE }) } };
  const community = await communityByName(ctx.tx, slugText);
  const node = await communityNode(ctx.tx, community.id);
  const nodeIds = (await pathUp(ctx.tx, node.id)).map((n) => n.id);

  if (!rest.trim()) {
    // The menu of a text chat: the community's grids and the units one may choose by name.
    const grids = await gridsOf(ctx.tx, community.id);
    const units = await ctx.tx.select({ name: memberUnits.name }).from(memberUnits).where(inArray(memberUnits.nodeId, nodeIds)).orderBy(asc(memberUnits.name));
    return {
      reply: {
        text: ctx.t('members.register.menu', {
          community: community.name,
          slug: community.slug,
          grids: grids.map((g) => g.name).join('、') || '—',
          units: units.map((u) => u.name).join('、') || '—',
        }),
      },
    };
  }

  const [first = '', afterGrid = ''] = splitArgs(rest, 2);
  const grid = await findGrid(ctx.tx, community.id, first);
  if (grid && !afterGrid.trim()) return refuse('EMPTY_TEXT', { example: REGISTER_EXAMPLE });
  const unitText = grid ? afterGrid : rest;
  const typed = parseArg(freeText(UNIT_MAX, REGISTER_EXAMPLE), oneLine(unitText));
  const unit = await findUnitByName(ctx.tx, nodeIds, typed);
  const unitName = unit?.name ?? typed;

  const [existing] = await ctx.tx.select().from(partyMembers).where(eq(partyMembers.personId, ctx.personId)).for('update');
  if (existing?.status === 'confirmed') {
    const [at] = await ctx.tx.select({ name: communities.name }).from(communities).where(eq(communities.id, existing.communityId));
    return refuse('ALREADY_MEMBER', { community: at?.name ?? '' });
  }
  const values = { communityId: community.id, gridId: grid?.id ?? null, unitId: unit?.id ?? null, unitName, kind, registeredAt: ctx.now };
  const [member] = existing
    ? await ctx.tx.update(partyMembers).set(values).where(eq(partyMembers.id, existing.id)).returning()
    : await ctx.tx.insert(partyMembers).values({ personId: ctx.personId, ...values }).returning();

  const a = actorOfPerson(ctx);
  await auditIn(a, community.id, existing ? 'member.register_corrected' : 'member.registered', {
    memberId: member!.id,
    gridId: grid?.id ?? null,
    unitId: unit?.id ?? null,
    unit: unitName,
    kind,
    typed: !unit,
    ...(existing && existing.communityId !== community.id ? { fromCommunityId: existing.communityId } : {}),
  });

  // The community's staff are told privately, with the command that confirms.
  const staff = (await staffOfNode(ctx.tx, node)).filter((p) => p !== ctx.personId);
  const addresses = await privateAddressesOf(ctx.tx, staff, () => true, ctx.platform);
  const written = await writeOutbox(
    ctx.tx,
    addresses.map((s) => ({
      platform: s.platform,
      platformChatId: s.platformChatId,
      dedupeKey: memberOutboxKeys.registeredTo(member!.id, ctx.now, s.personId),
      payload: { text: t(s.lang, 'members.registered.toStaff', { name: ctx.displayName, id: member!.id, community: community.name, grid: grid?.name ?? '—', unit: unitName }) },
    })),
  );
  if (written.length) ctx.emit({ type: 'outbox.queued', dedupeKeys: written });
  return {
    reply: {
      text: ctx.t(kind === 'volunteer' ? 'members.registered.volunteer' : unit ? 'members.registered' : 'members.registered.typed', { community: community.name, grid: grid?.name ?? '—', unit: unitName, id: member!.id }),
    },
  };
}
