/**
 * Who acts on a whistle and where: the same use cases run from a bound group (Ctx) and from a private
 * chat (PersonCtx), so they take this common shape.
 */
import type { Tx } from '../db/client.js';
import { auditLog } from '../db/schema.js';
import type { CoreEvent } from '../domain/messages.js';
import type { MessageKey, Params, Lang } from '../i18n/index.js';
import type { Ctx } from '../kernel/context.js';
import type { PersonCtx } from '../kernel/person-context.js';

export interface Actor {
  tx: Tx;
  now: Date;
  tz: string;
  lang: Lang;
  personId: number;
  /** Our row of the chat the command came from, when it is a known chat. */
  chatId?: number;
  t(key: MessageKey, params?: Params): string;
  emit(event: CoreEvent): void;
  /** Counts the audit rows written (a group command counts them, see Ctx.audits). */
  counted?: { count: number };
}

export const actorOfGroup = (ctx: Ctx): Actor => ({ ...ctx, chatId: ctx.chat?.id, counted: ctx.audits });
export const actorOfPerson = (ctx: PersonCtx): Actor => ({ ...ctx, chatId: ctx.where.chat?.id });

/** The audit row of a whistle step, with its community and item. */
export async function auditWhistle(a: Actor, action: string, at: { communityId: number; suggestionId: number }, data: Record<string, unknown>): Promise<void> {
  if (a.counted) a.counted.count++;
  await a.tx.insert(auditLog).values({ communityId: at.communityId, suggestionId: at.suggestionId, actorId: a.personId, action, data, at: a.now });
}
