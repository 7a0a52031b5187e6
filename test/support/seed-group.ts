/** A community bound to a Telegram group, one staff member, and suggestion #1 on the agenda, written with plain SQL (the app migrated the database). */
import type postgres from 'postgres';
import type { FakeChat, FakeUser } from './fake-bot-api.js';

export async function seedTelegramGroup(sql: postgres.Sql, opts: { slug: string; name: string; group: FakeChat; staff: FakeUser; item: string }): Promise<void> {
  const { group, staff: staffUser } = opts;
  const [c] = await sql`insert into communities (slug, name) values (${opts.slug}, ${opts.name}) returning id`;
  const [chat] = await sql`insert into chats (platform, platform_chat_id, kind, title, community_id, bound_at)
    values ('telegram', ${String(group.id)}, 'group', ${group.title!}, ${c!.id}, now()) returning id`;
  const [staff] = await sql`insert into persons (display_name) values (${staffUser.first_name}) returning id`;
  await sql`insert into identities (person_id, platform, platform_user_id, display_name) values (${staff!.id}, 'telegram', ${String(staffUser.id)}, ${staffUser.first_name})`;
  await sql`insert into roles (community_id, person_id, role) values (${c!.id}, ${staff!.id}, 'staff')`;
  await sql`insert into suggestions (community_id, number, author_id, chat_id, text, stage)
    values (${c!.id}, 1, ${staff!.id}, ${chat!.id}, ${opts.item}, 'on_agenda')`;
}
