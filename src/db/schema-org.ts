/**
 * The organisation tree (district → street → community → grid), its member units with their contacts,
 * staff roles on district and street nodes, and grid workers. Communities stay in `communities`; each has
 * exactly one node of level `community` that links to it (org_nodes.community_id).
 * Platform columns are plain text typed as Platform: this file is evaluated before schema.ts (which
 * re-exports it), so only lazy references to schema.ts may appear at the top level.
 */
import { sql } from 'drizzle-orm';
import { type AnyPgColumn, check, index, integer, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { communities, grids, persons, type Platform } from './schema.js';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const ORG_LEVELS = ['district', 'street', 'community'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];

export const UNIT_KINDS = ['department', 'property', 'owners_committee', 'company', 'volunteer', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** A district, street or community in the tree; slugs are unique across the whole tree. */
export const orgNodes = pgTable('org_nodes', {
  id: serial('id').primaryKey(),
  level: text('level', { enum: ORG_LEVELS }).notNull(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  parentId: integer('parent_id').references((): AnyPgColumn => orgNodes.id),
  /** Set exactly on community nodes: the community this node is. */
  communityId: integer('community_id').references(() => communities.id).unique(),
  createdAt: createdAt(),
}, (t) => [
  index('org_nodes_parent').on(t.parentId),
  check('org_nodes_community_link', sql`(${t.level} = 'community') = (${t.communityId} is not null)`),
  check('org_nodes_not_own_parent', sql`${t.parentId} is null or ${t.parentId} <> ${t.id}`),
]);

/** Staff of a street or district node: they act on the items of every community below it. */
export const orgStaff = pgTable('org_staff', {
  nodeId: integer('node_id').notNull().references(() => orgNodes.id),
  personId: integer('person_id').notNull().references(() => persons.id),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.nodeId, t.personId] })]);

/** A member unit registered at a level (区直部门, 物业, 业委会, 驻区单位, 志愿服务组织…). */
export const memberUnits = pgTable('member_units', {
  id: serial('id').primaryKey(),
  nodeId: integer('node_id').notNull().references(() => orgNodes.id),
  name: text('name').notNull(),
  kind: text('kind', { enum: UNIT_KINDS }).notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('member_units_node_name').on(t.nodeId, t.name)]);

/** Who answers for a unit: `<platform>:<userId>`, resolved to a person when they write or are told. */
export const unitContacts = pgTable('unit_contacts', {
  unitId: integer('unit_id').notNull().references(() => memberUnits.id),
  platform: text('platform').$type<Platform>().notNull(),
  platformUserId: text('platform_user_id').notNull(),
  createdAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.unitId, t.platform, t.platformUserId] }),
  index('unit_contacts_user').on(t.platform, t.platformUserId),
]);

/** The grid worker(s) (网格员) of a grid. */
export const gridWorkers = pgTable('grid_workers', {
  gridId: integer('grid_id').notNull().references(() => grids.id),
  platform: text('platform').$type<Platform>().notNull(),
  platformUserId: text('platform_user_id').notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.gridId, t.platform, t.platformUserId] })]);
