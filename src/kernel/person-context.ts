/**
 * What a command outside a bound group is given (a private chat with the bot, or a group not bound
 * yet): the open transaction and the person who wrote, known by their platform identity.
 */
import type { Tx } from '../db/client.js';
import { auditLog, type Platform } from '../db/schema.js';
import type { CoreEvent } from '../domain/messages.js';
import { t, type Lang, type MessageKey, type Params } from '../i18n/index.js';
import type { Chat } from './context.js';
import { ensureIdentity } from './persons.js';

/** Where a command was written: the platform's chat, and our row of it when we know the chat. */
export interface Where {
  platform: Platform;
  platformChatId: string;
  kind: 'group' | 'private';
  title?: string;
  chat?: Chat;
  /** The text of the message this command replies to, if any (see Incoming.replyToText). */
  replyToText?: string;
}

export interface PersonCtx {
  tx: Tx;
  now: Date;
  tz: string;
  lang: Lang;
  platform: Platform;
  where: Where;
  personId: number;
  identityId: number;
  displayName: string;
  /** The chat id of the person's private chat with the bot, when they have started it. */
  privateChatId: string | null;
  events: CoreEvent[];
  t(key: MessageKey, params?: Params): string;
  /** Writes the one audit row of this state change, in this transaction. */
  audit(action: string, data?: Record<string, unknown>, communityId?: number): Promise<void>;
  emit(event: CoreEvent): void;
}

export async function makePersonCtx(base: {
  tx: Tx;
  now: Date;
  tz: string;
  lang: Lang;
  where: Where;
  sender: { platformUserId: string; displayName: string; lang?: string };
  events: CoreEvent[];
}): Promise<PersonCtx> {
  const { identity } = await ensureIdentity(base.tx, base.where.platform, base.sender);
  return {
    tx: base.tx,
    now: base.now,
    tz: base.tz,
    lang: base.lang,
    platform: base.where.platform,
    where: base.where,
    personId: identity.personId,
    identityId: identity.id,
    displayName: identity.displayName ?? '',
    privateChatId: identity.privateChatId ?? null,
    events: base.events,
    t: (key, params) => t(base.lang, key, params),
    audit: async (action, data, communityId) => {
      await base.tx.insert(auditLog).values({ communityId: communityId ?? null, actorId: identity.personId, action, data: data ?? null, at: base.now });
    },
    emit: (e) => base.events.push(e),
  };
}
