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

/**
 * Closes poll `pollId` if it is open and due at `now`; undefined when it is not (closed by hand first,
 * not yet due) or has no chat to post to. `fit` bounds the text to what platforms accept.
 */
export async function closeDuePoll(tx: Tx, pollId: number, now: Date, events: CoreEvent[], fit: (reply: Reply, lang: string) => Reply): Promise<{ to: ChatAddress; reply: Reply } | undefined> {
  const [poll] = await tx.select().from(polls).where(eq(polls.id, pollId)).for('update');
  if (!poll || poll.status !== 'open' || poll.deadline.getTime() > now.getTime()) return undefined;
  const [s] = await tx.select().from(suggestions).where(eq(suggestions.id, poll.suggestionId)).for('update');
  // One pipelined round trip (see closeLockedPoll).
  const [[community], [chat]] = await Promise.all([
    tx.select().from(communities).where(eq(communities.id, s.communityId)),
    poll.chatId ? tx.select().from(chats).where(eq(chats.id, poll.chatId)) : Promise.resolve([]),
  ]);
  const lang = langOf(community.lang);
  const { reply } = await closeLockedPoll(tx, { poll, suggestion: s, community, now, lang, actorId: null, byDeadline: true, events });
  if (!chat) return undefined;
  // The result goes to the forum topic the suggestion was raised in (or its ballot's), if any.
  const to = itemAddress(chat, s.threadId ?? poll.threadId);
  const fitted = fit(reply, lang);
  await writeOutbox(tx, [replyMessage(to, outboxKeys.pollResult(pollId), { text: fitted.text, buttons: fitted.buttons, attachment: fitted.attachment })]);
  return { to, reply: fitted };
}
