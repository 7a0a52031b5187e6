/**
 * A vote or rating whose deadline has passed, closed by the jobs: the result is written to the outbox
 * in the close's own transaction, so the send queue delivers it even if the process dies right after.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { chats, communities, polls, suggestions } from '../db/schema.js';
import type { ChatAddress, CoreEvent, Reply } from '../domain/messages.js';
import { langOf } from '../i18n/index.js';
import { outboxKeys } from '../messaging/outbox-keys.js';
import { itemAddress, replyMessage, writeOutbox } from '../messaging/outbox.js';
import { closeLockedPoll } from './close.js';
import { postResultEverywhere } from './poll-posts.js';

/**
 * Closes poll `pollId` if it is open and due at `now`; undefined when it is not (closed by hand first,
 * not yet due) or has no chat to post to. `fit` bounds the text to what platforms accept.
 */
export async function closeDuePoll(tx: Tx, pollId: number, now: Date, events: CoreEvent[], fit: (reply: Reply, lang: string) => Reply): Promise<{ to: ChatAddress; reply: Reply } | undefined> {
  // The poll and its suggestion locked, with their community and chat, in one round trip (it was three).
  const [row] = await tx
    .select({ poll: polls, suggestion: suggestions, community: communities, chat: chats })
    .from(polls)
    .innerJoin(suggestions, eq(suggestions.id, polls.suggestionId))
    .innerJoin(communities, eq(communities.id, suggestions.communityId))
    .leftJoin(chats, eq(chats.id, polls.chatId))
    .where(eq(polls.id, pollId))
    .for('update', { of: [polls, suggestions] });
  if (!row || row.poll.status !== 'open' || row.poll.deadline.getTime() > now.getTime()) return undefined;
  const { poll, suggestion: s, community, chat } = row;
  const lang = langOf(community.lang);
  const { reply } = await closeLockedPoll(tx, { poll, suggestion: s, community, now, lang, actorId: null, byDeadline: true, events });
  // Every other chat the ballot went to gets the result too.
  const everywhere = await postResultEverywhere(tx, pollId, fit(reply, lang), chat?.id);
  if (everywhere.length) events.push({ type: 'outbox.queued', dedupeKeys: everywhere });
  if (!chat) return undefined;
  // The result goes to the forum topic the suggestion was raised in (or its ballot's), if any.
  const to = itemAddress(chat, s.threadId ?? poll.threadId);
  const fitted = fit(reply, lang);
  await writeOutbox(tx, [replyMessage(to, outboxKeys.pollResult(pollId), { text: fitted.text, buttons: fitted.buttons, attachment: fitted.attachment })]);
  return { to, reply: fitted };
}
