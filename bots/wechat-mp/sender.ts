/**
 * The 'wechat-mp' sender of the send queue. A message to a community's followers (`c:<id>`) becomes one
 * outbox row per follower (keyed on its own row: exactly once across restarts); a message to one follower
 * goes as a customer-service message inside the 48-hour window, else as the template message when
 * WECHAT_MP_TEMPLATE_ID is set, else it is recorded undeliverable (failed, never retried). 45009 (quota)
 * waits and retries, the first retry within a minute; a refused token was already refreshed once by the API.
 */
import type { Db } from '../../src/db/client.js';
import { clip, oneLine } from '../../src/domain/text.js';
import { formatLocal } from '../../src/domain/time.js';
import type { Core } from '../../src/kernel/types.js';
import type { Logger } from '../../src/lib/logger.js';
import { PermanentSendError, RateLimitedError, type OutboundMessage, type PlatformSender, type SentMessage } from '../../src/messaging/port.js';
import { fanOut, isFollowersChat, reachability } from '../../src/people/mp-followers.js';
import { MpApiError, QUOTA_ERROR, TOKEN_ERRORS, WINDOW_ERRORS, type WechatMpApi } from '../../src/services/wechat-mp-api.js';
import { renderText, splitBytes } from './text.js';

export interface SenderEnv {
  db: Db;
  api: WechatMpApi;
  core: Core;
  logger: Logger;
  tz: string;
  templateId?: string;
  /** Where a template message links to (the resident pages), if anywhere. */
  pageUrl?: string;
  now?: () => Date;
  /** The first wait after a 45009 (default 30 s), doubled while it lasts, at most 15 minutes. */
  quotaWaitMs?: number;
}

/** The fields of the template (document them in docs/wechat-mp.md): first line, item, time, the rest. */
export function templateData(text: string, at: Date, tz: string): Record<string, string> {
  const [first = '', ...rest] = text.split('\n').filter((l) => l.trim());
  const item = /#\d+/.exec(text)?.[0] ?? clip(oneLine(first), 20);
  return { first: clip(oneLine(first), 60), keyword1: item, keyword2: formatLocal(at, tz), remark: clip(oneLine(rest.join(' ')), 180) };
}

export function wechatMpSender(env: SenderEnv): PlatformSender {
  const now = env.now ?? (() => new Date());
  let quotaStrikes = 0;

  const mapError = (err: unknown): Error => {
    if (err instanceof MpApiError) {
      if (err.errcode === QUOTA_ERROR) {
        const wait = Math.min(15 * 60_000, (env.quotaWaitMs ?? 30_000) * 2 ** quotaStrikes++);
        return new RateLimitedError(wait, `wechat-mp quota spent (45009): retry in ${wait} ms`);
      }
      // Refreshed once already and still refused: a plain error, retried by the queue with its backoff.
      if (TOKEN_ERRORS.has(err.errcode) || err.errcode === -1) return err;
      return new PermanentSendError(err.message);
    }
    return err instanceof Error ? err : new Error(String(err));
  };

  async function viaTemplate(openid: string, text: string, why: string): Promise<SentMessage> {
    if (!env.templateId) throw new PermanentSendError(`undeliverable: ${why}, and no WECHAT_MP_TEMPLATE_ID`);
    try {
      const r = await env.api.sendTemplate(openid, env.templateId, templateData(text, now(), env.tz), env.pageUrl);
      quotaStrikes = 0;
      return { messageId: r.msgid !== undefined ? String(r.msgid) : undefined };
    } catch (err) {
      throw mapError(err);
    }
  }

  return {
    platform: 'wechat-mp',
    async send(message: OutboundMessage): Promise<SentMessage> {
      if (isFollowersChat(message.platformChatId)) {
        if (message.outboxId === undefined) throw new PermanentSendError('wechat-mp: a message to followers needs its outbox id');
        const payload = {
          text: message.text,
          ...(message.buttons ? { buttons: message.buttons } : {}),
          ...(message.pollId !== undefined ? { pollId: message.pollId } : {}),
          ...(message.attachment ? { attachment: message.attachment } : {}),
        };
        const keys = await fanOut(env.db, message.outboxId, message.platformChatId, payload);
        env.core.publish?.([{ type: 'outbox.queued', dedupeKeys: keys }]);
        return { messageId: `followers:${keys.length}` };
      }
      const openid = message.platformChatId;
      const reach = await reachability(env.db, openid, now());
      if (reach === 'unsubscribed') throw new PermanentSendError('wechat-mp: they unfollowed the account; not sent');
      const poll = message.pollId !== undefined ? await env.core.query.pollInfo(message.pollId).catch(() => undefined) : undefined;
      // The account's text takes no file: a result picture or a notice goes as a signed link after the text.
      const link = message.attachment && env.core.attachmentLink ? await env.core.attachmentLink(message.attachment).catch(() => undefined) : undefined;
      const text = renderText(link ? `${message.text}\n${link}` : message.text, message.buttons, poll);
      if (reach === 'outside') return viaTemplate(openid, text, 'outside the 48-hour window');
      try {
        for (const part of splitBytes(text)) await env.api.sendText(openid, part);
        quotaStrikes = 0;
        return {};
      } catch (err) {
        if (err instanceof MpApiError && WINDOW_ERRORS.has(err.errcode)) {
          env.logger.info('wechat-mp: customer-service message refused; trying the template', { errcode: err.errcode });
          return viaTemplate(openid, text, `customer-service message refused (${err.errcode})`);
        }
        throw mapError(err);
      }
    },
  };
}
