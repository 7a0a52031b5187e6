/** Bulk seeding straight in SQL: a bound community, many residents, a suggestion in voting with its poll. */
import type postgres from 'postgres';

export interface SeededPoll {
  communityId: number;
  chatId: number;
  platformChatId: string;
  staffPersonId: number;
  suggestionNumber: number;
  suggestionId: number;
  pollId: number;
}

export const DEFAULT_CHOICES = ['同意', '反对', '弃权'];

/** A community bound to one Telegram-style group chat, with a staff member whose identity is `staffUserId`. */
export async function seedCommunity(sql: postgres.Sql, opts: { slug: string; platform?: string; platformChatId: string; staffUserId: string }) {
  const platform = opts.platform ?? 'telegram';
  const [c] = await sql`insert into communities (slug, name, support_threshold) values (${opts.slug}, ${'压测社区 ' + opts.slug}, 3) returning id`;
  const [chat] = await sql`insert into chats (platform, platform_chat_id, kind, title, community_id, bound_at)
    values (${platform}, ${opts.platformChatId}, 'group', 'bench', ${c!.id}, now()) returning id`;
  const [staff] = await sql`insert into persons (display_name) values ('主任') returning id`;
  await sql`insert into identities (person_id, platform, platform_user_id, display_name) values (${staff!.id}, ${platform}, ${opts.staffUserId}, '主任')`;
  await sql`insert into roles (community_id, person_id, role) values (${c!.id}, ${staff!.id}, 'staff')`;
  return { communityId: c!.id as number, chatId: chat!.id as number, staffPersonId: staff!.id as number, platform };
}

/** Suggestion number `n` in stage voting with an open poll (default choices) in the community's chat. */
export async function seedVotingPoll(
  sql: postgres.Sql,
  community: { communityId: number; chatId: number; staffPersonId: number },
  n: number,
  deadline: Date,
): Promise<{ suggestionId: number; pollId: number }> {
  const [s] = await sql`insert into suggestions (community_id, number, author_id, chat_id, text, stage)
    values (${community.communityId}, ${n}, ${community.staffPersonId}, ${community.chatId}, ${'压测议题 ' + n}, 'voting') returning id`;
  const [p] = await sql`insert into polls (suggestion_id, kind, status, chat_id, deadline, opened_by)
    values (${s!.id}, 'vote', 'open', ${community.chatId}, ${deadline}, ${community.staffPersonId}) returning id`;
  for (const [i, label] of DEFAULT_CHOICES.entries()) {
    await sql`insert into poll_choices (poll_id, position, label) values (${p!.id}, ${i + 1}, ${label})`;
  }
  return { suggestionId: s!.id as number, pollId: p!.id as number };
}

/**
 * `count` residents of the community on `platform` with user ids `<prefix><i>` (i = 1..count), as one
 * INSERT … SELECT each; returns the first person id (ids are consecutive).
 */
export async function seedResidents(sql: postgres.Sql, communityId: number, count: number, platform: string, prefix: string): Promise<number> {
  const [{ first }] = (await sql`
    with p as (insert into persons (display_name) select '居民' || i from generate_series(1, ${count}) i returning id)
    select min(id) as first from p`) as unknown as [{ first: number }];
  await sql`insert into identities (person_id, platform, platform_user_id, display_name)
    select ${first}::int + i - 1, ${platform}, ${prefix} || i, '居民' || i from generate_series(1, ${count}) i`;
  await sql`insert into roles (community_id, person_id, role)
    select ${communityId}, ${first}::int + i - 1, 'resident' from generate_series(1, ${count}) i`;
  return Number(first);
}
