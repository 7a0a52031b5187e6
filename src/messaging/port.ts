/** The outbound port: how jobs and the send queue reach a platform. Adapters implement it. */
import type { Button, Platform } from '../domain/messages.js';
import type { Attachment } from '../domain/messages.js';

export interface OutboundMessage {
  platform: Platform;
  platformChatId: string;
  text: string;
  buttons?: Button[][];
  pollId?: number;
  /** The forum topic to post in (Telegram's message_thread_id), when the item was raised in one. */
  threadId?: string;
  /** A picture or document sent after the text (see Reply.attachment); its failure never loses the text. */
  attachment?: Attachment;
  /** The outbox row being sent (the send queue sets it): a sender that fans one message out keys its copies on it. */
  outboxId?: number;
}

export interface SentMessage {
  /** The platform's message id, when it has one. */
  messageId?: string;
}

/** Thrown by a sender when the platform says "too many requests": wait `retryAfterMs`, then retry. */
export class RateLimitedError extends Error {
  constructor(public readonly retryAfterMs: number, message = `rate limited: retry after ${retryAfterMs} ms`) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

/** Thrown by a sender for a send that can never succeed (chat gone, bot blocked): not retried. */
export class PermanentSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

export interface PlatformSender {
  platform: Platform;
  send(message: OutboundMessage): Promise<SentMessage>;
  /** Edits an earlier message's text and buttons (live ballot counts), when the platform can. */
  edit?(platformChatId: string, messageId: string, text: string, buttons?: Button[][]): Promise<void>;
}

/** The senders of the adapters that are running, by platform. */
export class SenderRegistry {
  private readonly senders = new Map<Platform, PlatformSender>();
  register(sender: PlatformSender): void {
    this.senders.set(sender.platform, sender);
  }
  get(platform: Platform): PlatformSender | undefined {
    return this.senders.get(platform);
  }
  platforms(): Platform[] {
    return [...this.senders.keys()];
  }
}
