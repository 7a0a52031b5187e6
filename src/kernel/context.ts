/** What every use case is given: the open transaction, who acts where, and how to audit and reply. */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { auditLog, chats, communities, suggestions } from '../db/schema.js';
import type { CoreEvent, Reply } from '../domain/messages.js';
import { refuse } from '../domain/errors.js';
import { t, type Lang, type MessageKey, type Params } from '../i18n/index.js';
import { isChair, roleOf } from './persons.js';

export type Community = typeof communities.$inferSelect;
export type Chat = typeof chats.$inferSelect;
export type Suggestion = typeof suggestions.$inferSelect;

export interface Ctx {
  tx: Tx;
  now: Date;
  tz: string;
  lang: Lang;
  community: Community;
  /** The bound chat the command came from (undefined for a button pressed in private). */
  chat?: Chat;
  /** The forum topic the command was written in (Telegram message_thread_id): what it creates remembers it. */
  threadId?: string;
  personId: number;
  /** The writer's platform identity, when the command came from a chat (not from the web page). */
  identityId?: number;
  displayName: string;
  /** How many audit rows this command wrote (a bare join writes its own). */
  audits: { count: number };
  events: CoreEvent[];
  t(key: MessageKey, params?: Params): string;
  /** Writes the one audit row of this state change, in this transaction. */
  audit(action: string, data?: Record<string, unknown>, suggestionId?: number): Promise<void>;
  /** Queues an event, told to listeners after the commit. */
  emit(event: CoreEvent): void;
  /** Memoized role checks. */
  isStaff(): Promise<boolean>;
  isChair(): Promise<boolean>;
}

export interface CommandResult {
  reply?: Reply;
  toast?: string;
  changedPollIds?: number[];
}

/** What a context is made of; the rest (texts, audit, events, role checks) is derived. */
export type CtxBase = Omit<Ctx, 't' | 'audit' | 'emit' | 'isStaff' | 'isChair'>;

export function makeCtx(base: CtxBase): Ctx {
  let staff: boolean | undefined;
  let chair: boolean | undefined;
  const ctx: Ctx = {
    ...base,
    t: (key, params) => t(base.lang, key, params),
    audit: async (action, data, suggestionId) => {
      base.audits.count++;
      await base.tx.insert(auditLog).values({ communityId: base.community.id, actorId: base.personId, action, suggestionId, data: data ?? null, at: base.now });
    },
    emit: (e) => base.events.push(e),
    isStaff: async () => (staff ??= (await roleOf(base.tx, base.community.id, base.personId)) === 'staff'),
    isChair: async () => (chair ??= await isChair(base.tx, base.community.id, base.personId, base.now, base.tz)),
  };
  return ctx;
}

export async function requireStaff(ctx: Ctx): Promise<void> {
  if (!(await ctx.isStaff())) refuse('NOT_STAFF');
}

/** This quarter's chair or staff (staff can do everything the chair can). */
export async function requireChairOrStaff(ctx: Ctx): Promise<void> {
  if (await ctx.isStaff()) return;
  if (!(await ctx.isChair())) refuse('NOT_CHAIR');
}

/** Suggestion `n` of the community, locked for update when `lock` (stage changes and counts). */
export async function getSuggestion(ctx: Ctx, n: number, lock = false): Promise<Suggestion> {
  const q = ctx.tx.select().from(suggestions).where(and(eq(suggestions.communityId, ctx.community.id), eq(suggestions.number, n)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) return refuse('UNKNOWN_SUGGESTION', { n });
  return row;
}

export function requireStage(ctx: Ctx, s: Suggestion, allowed: readonly Suggestion['stage'][]): void {
  if (!allowed.includes(s.stage)) refuse('WRONG_STAGE', { n: s.number, stage: ctx.t(`stage.${s.stage}`) });
}

export async function setStage(ctx: Ctx, s: Suggestion, stage: Suggestion['stage']): Promise<void> {
  await ctx.tx.update(suggestions).set({ stage, updatedAt: ctx.now }).where(eq(suggestions.id, s.id));
  s.stage = stage;
}
