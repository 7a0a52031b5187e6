/**
 * `/help` (帮助) by person and place: one table says which commands each role may use where; the help a
 * person gets, and Telegram's command menu per scope, are read from it. A command is one row here and
 * one `help.cmd.<name>` line per language (`中文形式 <参数> — 说明`: the Chinese form first; the slash
 * form is added when rendered).
 */
import { and, eq, or } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { follows, identities, needs, orgStaff, ownerPersons, partyMembers, propertyOwners, roles, suggestions, supports, unitContacts } from '../db/schema.js';
import { t, type Lang, type MessageKey } from '../i18n/index.js';
import type { CommandResult, Ctx } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';
import { roleOf } from '../kernel/persons.js';
import { gridsOf, gridWorkerPersons } from '../org/grids.js';
import { isAreaStaff } from '../org/staff.js';
import type { CommandName } from './parse.js';

/**
 * Who a line is for. `staff` lines are the rest, shown on `/help 管理`; everyone with a role also sees the
 * resident lines. `author` (raised an item here), `follower` (raised, supported or follows one) and `asker`
 * (asked for a need) get their one more line among the resident's. `supervisor`: the supervision committee
 * (居务监督委员会); `areaStaff`: street or district staff.
 */
export const ROLES = ['resident', 'author', 'follower', 'asker', 'chair', 'contact', 'gridWorker', 'partyMember', 'owner', 'supervisor', 'staff', 'areaStaff'] as const;
export type Role = (typeof ROLES)[number];
/** Where: a bound group, a private chat with the bot, a group not bound yet. */
export type Place = 'group' | 'private' | 'unbound';

export interface HelpEntry {
  command: CommandName;
  /** Who sees the line; in a private chat `resident` means anyone. */
  roles: readonly Role[];
  places: readonly Place[];
}

/**
 * The table, in the order shown. A new command is one row here plus `help.cmd.<name>` in
 * src/i18n/help.ts (both languages). A resident's group help stays at most 15 lines.
 */
export const HELP: readonly HelpEntry[] = [
  // A resident in the group: take part in the cycle.
  { command: 'suggest', roles: ['resident'], places: ['group'] },
  { command: 'support', roles: ['resident'], places: ['group'] },
  { command: 'comment', roles: ['resident'], places: ['group'] },
  { command: 'vote', roles: ['resident'], places: ['group'] },
  { command: 'rate', roles: ['resident'], places: ['group'] },
  { command: 'list', roles: ['resident'], places: ['group'] },
  { command: 'show', roles: ['resident'], places: ['group'] },
  { command: 'chair', roles: ['resident'], places: ['group'] },
  { command: 'checkin', roles: ['resident'], places: ['group'] },
  { command: 'follow', roles: ['resident'], places: ['group'] },
  // 议事厅: the personal link to the resident pages, sent privately (in a group it says so).
  { command: 'page', roles: ['resident'], places: ['group', 'private'] },
  // Only to those who can use them: an item's author, its followers (authors and supporters by default), a need's asker.
  { command: 'withdraw', roles: ['author'], places: ['group'] },
  { command: 'unfollow', roles: ['follower'], places: ['group'] },
  { command: 'needrate', roles: ['asker'], places: ['group'] },
  // The quarter's chair (and staff).
  { command: 'agenda', roles: ['chair'], places: ['group'] },
  { command: 'poll', roles: ['chair'], places: ['group'] },
  { command: 'close', roles: ['chair'], places: ['group'] },
  { command: 'meeting', roles: ['chair'], places: ['group'] },
  { command: 'minutes', roles: ['chair'], places: ['group'] },
  // A whistled unit's contact.
  { command: 'report', roles: ['contact'], places: ['group', 'private'] },
  { command: 'answer', roles: ['contact'], places: ['group', 'private'] },
  // A grid worker.
  { command: 'need', roles: ['gridWorker', 'staff'], places: ['group'] },
  // A party member (or volunteer).
  { command: 'needs', roles: ['partyMember'], places: ['group'] },
  { command: 'claim', roles: ['partyMember'], places: ['group'] },
  { command: 'served', roles: ['partyMember'], places: ['group', 'private'] },
  // An owner.
  { command: 'ownervote', roles: ['owner'], places: ['group'] },
  // The supervision committee (居务监督委员会).
  { command: 'objection', roles: ['supervisor'], places: ['group'] },
  // Staff: `/help 管理`.
  { command: 'progress', roles: ['staff'], places: ['group'] },
  { command: 'done', roles: ['staff'], places: ['group'] },
  { command: 'merge', roles: ['staff'], places: ['group'] },
  { command: 'whistle', roles: ['staff'], places: ['group'] },
  { command: 'confirm', roles: ['staff'], places: ['group'] },
  { command: 'return', roles: ['staff'], places: ['group'] },
  { command: 'confirm_member', roles: ['staff'], places: ['group'] },
  { command: 'ownersvote', roles: ['staff'], places: ['group'] },
  { command: 'stats', roles: ['staff'], places: ['group'] },
  { command: 'ranking', roles: ['staff'], places: ['group', 'private'] },
  { command: 'bind', roles: ['staff'], places: ['group', 'unbound'] },
  // Anyone, privately.
  { command: 'start', roles: ['resident'], places: ['private'] },
  { command: 'register', roles: ['resident'], places: ['private'] },
  { command: 'volunteer', roles: ['resident'], places: ['private'] },
  { command: 'points', roles: ['resident'], places: ['private'] },
  { command: 'owner', roles: ['resident'], places: ['private'] },
  { command: 'link', roles: ['resident'], places: ['private'] },
  { command: 'web', roles: ['staff'], places: ['private'] },
  { command: 'notice', roles: ['staff'], places: ['private'] },
  // Street and district staff: their communities side by side.
  { command: 'stats', roles: ['areaStaff'], places: ['private'] },
];

/** Roles whose lines join the resident's (no section of their own). */
const PERSONAL: readonly Role[] = ['author', 'follower', 'asker'];

/** The order of the sections after the resident's lines. */
const SECTIONS: readonly Role[] = ['chair', 'contact', 'gridWorker', 'partyMember', 'owner', 'supervisor'];

/** `管理` / `admin` (and `全部` / `all`) after `/help`: the staff's other commands. */
export const isAdminTopic = (args: string) => /^(管理|全部|admin|all|staff)$/i.test(args.trim());

/** A command's line: the Chinese form first, the slash form after (`提议 <内容>（/suggest）提出建议`). */
export function helpLine(lang: Lang, command: CommandName): string {
  const [form = '', what = ''] = t(lang, `help.cmd.${command}` as MessageKey).split(' — ');
  const slash = `/${command.replace(/_/g, '-')}`;
  if (form.startsWith('/')) return `${form} — ${what}`;
  return t(lang, 'help.line', { form, slash, what });
}

/** A command's description in Telegram's menu: the Chinese form and what it does. */
export function menuDescription(lang: Lang, command: CommandName): string {
  const [form = '', what = ''] = t(lang, `help.cmd.${command}` as MessageKey).split(' — ');
  return form.startsWith('/') ? what : `${form}：${what}`;
}

/** The commands of a place for a set of roles, in the table's order (each once). */
export function commandsFor(place: Place, has: ReadonlySet<Role>): CommandName[] {
  return [...new Set(HELP.filter((e) => e.places.includes(place) && e.roles.some((r) => has.has(r))).map((e) => e.command))];
}

const lines = (lang: Lang, entries: readonly HelpEntry[]) => entries.map((e) => helpLine(lang, e.command));

/** The help text of a bound group for these roles; `admin` asks for the staff's section. */
export function groupHelp(lang: Lang, has: ReadonlySet<Role>, admin = false): string {
  const inGroup = HELP.filter((e) => e.places.includes('group'));
  if (admin && has.has('staff')) {
    return [t(lang, 'help.title.admin'), ...lines(lang, inGroup.filter((e) => e.roles.includes('staff')))].join('\n');
  }
  const out = [t(lang, 'help.title.group'), ...lines(lang, inGroup.filter((e) => e.roles.some((r) => r === 'resident' || (PERSONAL.includes(r) && has.has(r)))))];
  const shown = new Set<CommandName>(inGroup.filter((e) => e.roles.includes('resident')).map((e) => e.command));
  for (const role of SECTIONS) {
    if (!has.has(role)) continue;
    const entries = inGroup.filter((e) => e.roles.includes(role) && !shown.has(e.command));
    if (!entries.length) continue;
    entries.forEach((e) => shown.add(e.command));
    out.push(t(lang, `help.role.${role}` as MessageKey), ...lines(lang, entries));
  }
  out.push(t(lang, has.has('staff') ? 'help.more.admin' : 'help.more.private'));
  return out.join('\n');
}

/** The help text of a private chat for these roles. */
export function privateHelp(lang: Lang, has: ReadonlySet<Role>): string {
  return [t(lang, 'help.title.private'), ...lines(lang, HELP.filter((e) => e.places.includes('private') && e.roles.some((r) => has.has(r)))), t(lang, 'help.more.group')].join('\n');
}

/** The help text of a group not bound yet. */
export function unboundHelp(lang: Lang): string {
  return [t(lang, 'help.title.unbound'), ...lines(lang, HELP.filter((e) => e.places.includes('unbound')))].join('\n');
}

/** The person's roles in this group's community. */
export async function rolesHere(ctx: Ctx): Promise<Set<Role>> {
  const has = new Set<Role>(['resident']);
  const { tx, personId } = ctx;
  const communityId = ctx.community.id;
  if ((await ctx.isStaff()) || (await isAreaStaff(tx, communityId, personId))) has.add('staff').add('chair');
  else if (await ctx.isChair()) has.add('chair');
  if ((await roleOf(tx, communityId, personId)) === 'supervisor') has.add('supervisor');
  if (await isContact(tx, personId)) has.add('contact');
  for (const g of await gridsOf(tx, communityId)) if ((await gridWorkerPersons(tx, g.id)).includes(personId)) has.add('gridWorker');
  const [member] = await tx.select({ id: partyMembers.id }).from(partyMembers).where(and(eq(partyMembers.personId, personId), eq(partyMembers.communityId, communityId)));
  if (member) has.add('partyMember');
  const [owner] = await tx
    .select({ id: ownerPersons.ownerId })
    .from(ownerPersons)
    .innerJoin(propertyOwners, eq(propertyOwners.id, ownerPersons.ownerId))
    .where(and(eq(ownerPersons.personId, personId), eq(propertyOwners.communityId, communityId)))
    .limit(1);
  if (owner) has.add('owner');
  const [asked] = await tx.select({ id: needs.id }).from(needs).where(and(eq(needs.askedBy, personId), eq(needs.communityId, communityId))).limit(1);
  if (asked) has.add('asker');
  const [authored] = await tx.select({ id: suggestions.id }).from(suggestions).where(and(eq(suggestions.authorId, personId), eq(suggestions.communityId, communityId))).limit(1);
  if (authored) has.add('author').add('follower');
  else {
    const [supported] = await tx
      .select({ id: supports.suggestionId })
      .from(supports)
      .innerJoin(suggestions, eq(suggestions.id, supports.suggestionId))
      .where(and(eq(supports.personId, personId), eq(suggestions.communityId, communityId)))
      .limit(1);
    const [followed] = await tx
      .select({ id: follows.suggestionId })
      .from(follows)
      .innerJoin(suggestions, eq(suggestions.id, follows.suggestionId))
      .where(and(eq(follows.personId, personId), eq(follows.following, true), eq(suggestions.communityId, communityId)))
      .limit(1);
    if (supported || followed) has.add('follower');
  }
  return has;
}

/** The person's roles anywhere (for the private help). */
export async function rolesAnywhere(tx: Tx, personId: number): Promise<Set<Role>> {
  const has = new Set<Role>(['resident']);
  const [staff] = await tx.select({ id: roles.personId }).from(roles).where(and(eq(roles.personId, personId), eq(roles.role, 'staff'))).limit(1);
  const [area] = await tx.select({ id: orgStaff.personId }).from(orgStaff).where(eq(orgStaff.personId, personId)).limit(1);
  if (staff || area) has.add('staff');
  if (area) has.add('areaStaff');
  if (await isContact(tx, personId)) has.add('contact');
  const [member] = await tx.select({ id: partyMembers.id }).from(partyMembers).where(eq(partyMembers.personId, personId));
  if (member) has.add('partyMember');
  return has;
}

/** Whether any of the person's identities is a member unit's contact. */
async function isContact(tx: Tx, personId: number): Promise<boolean> {
  const mine = await tx.select({ platform: identities.platform, platformUserId: identities.platformUserId }).from(identities).where(eq(identities.personId, personId));
  if (!mine.length) return false;
  const [row] = await tx
    .select({ unitId: unitContacts.unitId })
    .from(unitContacts)
    .where(or(...mine.map((i) => and(eq(unitContacts.platform, i.platform), eq(unitContacts.platformUserId, i.platformUserId)))))
    .limit(1);
  return Boolean(row);
}

/** `/help [管理]` in a bound group. */
export async function helpInGroup(ctx: Ctx, args: string): Promise<CommandResult> {
  return { reply: { text: groupHelp(ctx.lang, await rolesHere(ctx), isAdminTopic(args)) } };
}

/** `/help` in a private chat. */
export async function helpPrivately(ctx: PersonCtx): Promise<CommandResult> {
  return { reply: { text: privateHelp(ctx.lang, await rolesAnywhere(ctx.tx, ctx.personId)) } };
}

/** `/help` in a group not bound yet. */
export async function helpUnbound(ctx: PersonCtx): Promise<CommandResult> {
  return { reply: { text: unboundHelp(ctx.lang) } };
}
