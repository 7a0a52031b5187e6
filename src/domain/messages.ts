/**
 * What use cases produce: replies (data, never platform calls) and the events they commit. The core's
 * contract (src/core/types.ts) carries them to adapters and jobs.
 */
import type { Platform } from './platforms.js';

export type { Platform };

export interface Button {
  label: string;
  /** Compact, validated by the core when pressed; at most 64 bytes (Telegram's callback_data limit). */
  data: string;
}

export interface Reply {
  text: string;
  /** Rows of choice buttons (inline keyboard on Telegram; numbered lines on WeChat and the console). */
  buttons?: Button[][];
  /** 'chat' (default): where the command came from; 'private': to the sender in private, when possible. */
  to?: 'chat' | 'private';
  /** Set on a ballot or rating message, so the adapter can remember its message id for live-count edits. */
  pollId?: number;
  /**
   * A message of record (a result): an adapter that merges a busy group's plain answers into one
   * message never merges it. Replies with buttons, a poll or an attachment are never merged either.
   */
  standalone?: boolean;
  /**
   * Set on the confirmation of a ballot or rating cast by command (`/vote 3 1` -> "voted 同意 on #3"): it
   * tells how the sender voted, so an adapter may send it to the sender privately instead of the room
   * (WeChat does, where it can write to the sender: neighbours' choices and a flood of confirmations
   * stay out of a busy room). `to` stays the core's choice of where a reply belongs by default.
   */
  confidential?: boolean;
  /**
   * A file sent with the text (after it; the text still goes when the file cannot): by reference, so
   * stored replies and outbox rows stay small. Adapters get the bytes from the core (renderAttachment).
   */
  attachment?: Attachment;
}

/** A poll's result picture (PNG) or its 公示 notice (PDF), or the 公示 notice of an owners' vote. */
export type Attachment = { kind: 'poll-chart'; pollId: number } | { kind: 'notice'; pollId: number } | { kind: 'owners-notice'; voteId: number };

/** An attachment drawn: the bytes and how to send them. */
export interface RenderedFile {
  bytes: Uint8Array;
  filename: string;
  mime: 'image/png' | 'application/pdf';
  /** A short caption (the picture's text alternative). */
  caption: string;
}

/** Where a message goes: a platform chat. */
export interface ChatAddress {
  platform: Platform;
  platformChatId: string;
  /** A forum topic within the chat (Telegram message_thread_id), when the message belongs to one. */
  threadId?: string;
}

/** Committed changes that something time-driven may depend on. */
export type CoreEvent =
  | { type: 'poll.opened'; pollId: number; kind: 'vote' | 'rating'; deadline: Date }
  | { type: 'poll.closed'; pollId: number }
  | { type: 'meeting.scheduled' | 'meeting.moved' | 'meeting.cancelled' | 'meeting.held'; meetingId: number }
  /** A suggestion was raised: the jobs plan its answer-time reminder and escalation (src/consultation/answer-time.ts). */
  | { type: 'suggestion.raised'; suggestionId: number }
  | { type: 'chat.bound'; communityId: number; platform: Platform; platformChatId: string }
  | { type: 'council.changed'; communityId: number }
  /** Outbox rows a command wrote in its transaction (e.g. a grid worker told of a new item): the jobs enqueue them. */
  | { type: 'outbox.queued'; dedupeKeys: string[] }
  /** A whistle was blown, reported, answered or escalated: the jobs re-plan its reminders and deadlines. */
  | { type: 'whistle.changed'; whistleId: number }
  /** A need was posted, claimed, served, confirmed or returned: the jobs re-plan its reminders (src/members/plan.ts). */
  | { type: 'need.changed'; needId: number }
  /** An owners' vote (src/owners): the jobs close it at its deadline with closeDueOwnersVote. */
  | { type: 'owners_vote.opened'; voteId: number; deadline: Date }
  | { type: 'owners_vote.closed'; voteId: number };
