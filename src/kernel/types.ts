/**
 * The contract between adapters and the core: an adapter turns a platform update into an Incoming,
 * the core answers with an Outcome made of Replies (data, never platform calls).
 */
import type { Platform } from '../db/schema.js';
import type { Attachment, Button, ChatAddress, CoreEvent, RenderedFile, Reply } from '../domain/messages.js';
import type { UndeliveredReplies } from '../messaging/updates.js';

export type { Button, ChatAddress, CoreEvent, Platform, Reply };
export type { UndeliveredReplies } from '../messaging/updates.js';

export interface Sender {
  /** The platform's stable user id (never a display name). */
  platformUserId: string;
  displayName: string;
  /** The sender's language as the platform reports it ('en', 'zh-hans', …); English gets English replies. */
  lang?: string;
}

export interface ChatRef {
  platformChatId: string;
  kind: 'group' | 'private';
  title?: string;
  /**
   * The forum topic written in (Telegram's message_thread_id), when the group has topics: a suggestion
   * or poll created by the command remembers it, and the jobs post its result there.
   */
  threadId?: string;
}

export interface Incoming {
  platform: Platform;
  chat: ChatRef;
  sender: Sender;
  /** A message's text: `/cmd args`, `/cmd@Bot args`, or a Chinese alias without slash (`提议 …`). */
  text?: string;
  /** The data of a pressed button, exactly as the core put it in Button.data. */
  button?: string;
  /** The platform's update id: when given, a second delivery with the same key changes nothing. */
  updateKey?: string;
  /**
   * Written on behalf of a chat, with no person behind it (Telegram: an anonymous group admin, or a
   * channel). Never counted as a resident: chatter joins nobody, and a command is refused
   * WRITE_AS_YOURSELF.
   */
  anonymous?: boolean;
  /**
   * The text of the message this one replies to, when it is a reply (Telegram reply_to_message): a
   * `/report` or `/answer` written as a reply to a whistle message takes its `<community>#<n>` from it.
   */
  replyToText?: string;
  /**
   * Where the adapter will send the replies (its own JSON: chat, sender, message answered). Given, it
   * is kept with the update's replies until the adapter calls repliesDelivered; what a killed process
   * never sent comes back from claimUndeliveredReplies at the next start. Needs updateKey.
   */
  delivery?: Record<string, unknown>;
  /**
   * A command from the resident page (src/web): in this community as if written in one of its bound
   * group chats, by the sender's identity on `platform` (made a resident there on first sight), with no
   * platform chat behind it (`chat` is not looked up). Its replies are shown on the page.
   */
  page?: { communityId: number };
}

export interface Outcome {
  /**
   * True when the update's effect (or its refusal, or the knowledge that it is a duplicate) is
   * committed; false when an unexpected failure rolled everything back, so the adapter should let
   * the platform deliver it again instead of acknowledging it.
   */
  stored: boolean;
  /** Why it was not stored: the database could not be reached ('unavailable'), or anything else ('error'). */
  failure?: 'unavailable' | 'error';
  /** One command, one reply: normally exactly one; empty for ignored chatter and duplicates. */
  replies: Reply[];
  /** For a button press: the short answer for answerCallbackQuery ("已投：同意" or why it was refused). */
  toast?: string;
  /** True when the update was already processed: nothing changed and nothing should be sent. */
  duplicate?: boolean;
  /** True when the text is not a command (ordinary chatter): adapters stay silent. */
  ignored?: boolean;
  /** Polls whose live counts changed, so adapters may (throttled) edit the ballot messages. */
  changedPollIds?: number[];
  /** The stable code of a refusal (e.g. NOT_CHAIR), for logs and tests; absent on success. */
  errorCode?: string;
}

/** Where the ballot message of a poll was posted (once an adapter told setPollMessage). */
export interface PollMessage {
  platform: Platform;
  platformChatId: string;
  messageId: string;
}

/** What a text-only platform needs to say how to answer a ballot: "reply /vote 12 1". */
export interface PollInfo {
  kind: 'vote' | 'rating';
  /** The number of the poll's suggestion in its community. */
  suggestionNumber: number;
}

/**
 * Read-only questions adapters ask about what the core stored, so no adapter reads the database
 * schema (built by createQueries in src/core/queries.ts).
 */
export interface CoreQueries {
  /** The ballot message of a poll, or undefined when none was remembered (or the poll is unknown). */
  pollMessage(pollId: number): Promise<PollMessage | undefined>;
  /** Every message carrying a poll's ballot: its own chat's and the other chats' of its community it was posted to. */
  pollMessages(pollId: number): Promise<PollMessage[]>;
  /** A poll's kind and its suggestion's number, or undefined for an unknown poll. */
  pollInfo(pollId: number): Promise<PollInfo | undefined>;
  /** Whether a chat the core has seen is a group or a private chat; undefined for a chat never seen. */
  chatKind(platform: Platform, platformChatId: string): Promise<ChatRef['kind'] | undefined>;
}

/** The core as adapters and jobs see it (built by createCore in src/core/index.ts). */
export interface Core {
  /** Read-only questions about stored state (a poll's message, a chat's kind). */
  query: CoreQueries;
  /** Runs one command or button press: validate, write with its audit row in one transaction, reply. */
  handle(incoming: Incoming): Promise<Outcome>;
  /** The ballot (or rating) message of a poll as it stands now, with live counts, for edits. */
  ballotView(pollId: number, lang?: string): Promise<Reply | undefined>;
  /**
   * Remembers the platform message that carries a poll's ballot, posted in `platformChatId`; a message
   * in any other chat than the poll's (as it is now: a group may have moved) is ignored.
   */
  setPollMessage(pollId: number, platformChatId: string, messageId: string): Promise<void>;
  /** Every reply of the update (kept with Incoming.delivery) went out, or was finally given up. */
  repliesDelivered(platform: Platform, updateKey: string): Promise<void>;
  /**
   * Claims (marks delivered, once across processes) the kept replies never marked delivered,
   * processed between `since` and `before`, oldest first: for an adapter to send at its start.
   */
  claimUndeliveredReplies(platform: Platform, range: { since: Date; before: Date; limit?: number }): Promise<UndeliveredReplies[]>;
  /**
   * Closes a poll whose deadline has passed (a no-op returning undefined when it is already closed or
   * not yet due) and returns the result message and the chat it belongs to.
   */
  closeDuePoll(pollId: number, now?: Date): Promise<{ to: ChatAddress; reply: Reply } | undefined>;
  /** The same for an owners' vote (art. 278) whose deadline has passed. */
  closeDueOwnersVote(voteId: number, now?: Date): Promise<{ to: ChatAddress; reply: Reply } | undefined>;
  /** Subscribes to what changed, told after the change is committed (jobs schedule deadlines and reminders). */
  onEvent(listener: (event: CoreEvent) => void): () => void;
  /** Draws a reply's attachment (a poll's result picture, a 公示 notice PDF); undefined when it cannot. */
  renderAttachment?(attachment: Attachment, lang?: string): Promise<RenderedFile | undefined>;
  /**
   * For platforms that take no file: a line with a signed, expiring link to a reply's attachment on the web
   * page (the result picture, the 公示 notice), to send after the text.
   */
  attachmentLink?(attachment: Attachment, lang?: string): Promise<string>;
  /** Tells the listeners events committed outside a chat command (the staff web page's actions). */
  publish?(events: CoreEvent[]): void;
  /**
   * A group got a new id (Telegram: upgraded to a supergroup). Its binding, members, suggestions, open
   * polls and pending outbox follow `toChatId`; idempotent. Returns the chat's open polls, whose
   * ballots the adapter posts again in the new chat (setPollMessage then remembers the new message).
   */
  migrateChat(platform: Platform, fromChatId: string, toChatId: string): Promise<{ openPollIds: number[] }>;
  /**
   * The bot may no longer write in a group (removed, kicked, restricted: active false, with a short
   * reason) or was added back (true). Nothing is sent to an inactive chat; idempotent.
   */
  setChatActive(platform: Platform, platformChatId: string, active: boolean, reason?: string): Promise<void>;
}

