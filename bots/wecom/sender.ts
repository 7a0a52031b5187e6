/**
 * Proactive sends (aibot_send_msg): the PlatformSender the jobs' send queue uses, and the adapter's own
 * later sends (a reply whose socket dropped, a private reply, a second reply).
 *
 * The outbox sender never retries by itself: the send queue paces 'wecom' (jobs/limiter.ts) and retries.
 * While the socket is down nothing is sent and the message waits (RateLimitedError, which the queue
 * answers by delaying the job without spending an attempt), so a reconnect loses nothing and sends
 * nothing twice. Only a frame written just before the socket dropped, with its ack lost, is ambiguous:
 * WeCom has no idempotency key for aibot_send_msg, so it is sent again (at least once, never lost).
 */
import type { SendMsgBody, TemplateCard } from '@wecom/aibot-node-sdk';
import type { Button } from '../../src/kernel/types.js';
import type { Attachment } from '../../src/domain/messages.js';
import { KeyedSerializer } from '../../src/lib/keyed-serializer.js';
import type { Logger } from '../../src/lib/logger.js';
import { PermanentSendError, RateLimitedError, type OutboundMessage, type PlatformSender, type SentMessage } from '../../src/messaging/port.js';
import { cardButtons, newTaskId, replyCard } from './cards.js';
import type { WecomChannel } from './channel.js';
import { describe, isNotConnected, isPermanent, isRateLimited, RATE_LIMIT_WAIT_MS } from './errors.js';
import { markdownSafe, splitBytes } from './text.js';

/** A markdown message's content is at most 4096 bytes (WeCom's markdown limit for messages). */
export const MAX_MARKDOWN_BYTES = 4096;
/** How long a send waits for a reconnect before handing the message back to the queue. */
const READY_WAIT_MS = 3000;
/** When the socket is down, the queue tries again after this long (the SDK reconnects within 1-30 s). */
const RECONNECT_RETRY_MS = 5000;

/** The bodies a reply or outbox message becomes: one card when it has buttons, else markdown parts. */
export function bodiesOf(text: string, buttons: Button[][] | undefined, pollId: number | undefined): { bodies: SendMsgBody[]; taskId?: string } {
  if (cardButtons(buttons).length) {
    const taskId = newTaskId(pollId);
    const card: TemplateCard = replyCard({ text, buttons, pollId }, taskId);
    return { bodies: [{ msgtype: 'template_card', template_card: card }], taskId };
  }
  const parts = splitBytes(markdownSafe(text), MAX_MARKDOWN_BYTES);
  return { bodies: parts.map((content) => ({ msgtype: 'markdown', markdown: { content } })) };
}

function mapError(err: unknown, rateLimitWaitMs: number): Error {
  if (isRateLimited(err)) return new RateLimitedError(rateLimitWaitMs, `wecom rate limited: ${JSON.stringify(describe(err))}`);
  if (isNotConnected(err)) return new RateLimitedError(RECONNECT_RETRY_MS, 'wecom: not connected; the message waits for the reconnect');
  if (isPermanent(err)) return new PermanentSendError(`wecom refused the message: ${JSON.stringify(describe(err))}`);
  return err instanceof Error ? err : new Error(`wecom send failed: ${JSON.stringify(describe(err))}`);
}

/** The outbound port for 'wecom'. */
export function wecomSender(channel: WecomChannel, logger: Logger, opts: { rateLimitWaitMs?: number; fileLink?: (a: Attachment) => Promise<string> } = {}): PlatformSender {
  const rateLimitWaitMs = opts.rateLimitWaitMs ?? RATE_LIMIT_WAIT_MS;
  return {
    platform: 'wecom',
    async send(message: OutboundMessage): Promise<SentMessage> {
      if (!(await channel.ready(READY_WAIT_MS))) throw new RateLimitedError(RECONNECT_RETRY_MS, 'wecom: not connected; the message waits for the reconnect');
      // No file goes through the smart bot: a result picture or a notice is a signed link after the text.
      const link = message.attachment && opts.fileLink ? await opts.fileLink(message.attachment).catch(() => undefined) : undefined;
      const { bodies, taskId } = bodiesOf(link ? `${message.text}\n${link}` : message.text, message.buttons, message.pollId);
      for (const [i, body] of bodies.entries()) {
        try {
          await channel.sendMessage(message.platformChatId, body);
        } catch (err) {
          // A long text goes in parts: parts already out are not taken back; the rest is retried.
          if (i > 0) logger.warn('wecom: a long message was cut short', { chatId: message.platformChatId, part: i + 1, of: bodies.length });
          throw mapError(err, rateLimitWaitMs);
        }
      }
      return { messageId: taskId };
    },
  };
}

/**
 * The adapter's own proactive sends, in order per chat: each waits for the connection and retries a
 * rate-limited or dropped send a few times before giving up (logged).
 */
export class LaterSends {
  private readonly order = new KeyedSerializer();
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly channel: WecomChannel, private readonly logger: Logger, private readonly opts: { attempts?: number; waitMs?: number } = {}) {}

  /** Queues `bodies` for `chatId`; resolves when sent, rejects with the last error when given up. */
  send(chatId: string, bodies: SendMsgBody[]): Promise<void> {
    const p = this.order.run(chatId, async () => {
      for (const body of bodies) await this.one(chatId, body);
    });
    const tracked = p.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return p;
  }

  private async one(chatId: string, body: SendMsgBody): Promise<void> {
    const attempts = this.opts.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new Error('wecom: adapter stopped');
      const up = await this.channel.ready(this.opts.waitMs ?? 60_000);
      try {
        if (!up) throw new Error('WebSocket not connected');
        await this.channel.sendMessage(chatId, body);
        return;
      } catch (err) {
        if (isPermanent(err) || attempt >= attempts) {
          this.logger.warn('wecom: a message could not be sent', { chatId, attempt, ...describe(err) });
          throw err;
        }
        const wait = isRateLimited(err) ? Math.min(RATE_LIMIT_WAIT_MS, (this.opts.waitMs ?? 60_000)) : 200 * 2 ** attempt;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  close(): void {
    this.closed = true;
  }
}
