/** The context of a command in a bound group: the writer becomes a resident of its community on first sight. */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { communities, type Platform } from '../db/schema.js';
import type { CoreEvent } from '../domain/messages.js';
import type { Lang } from '../i18n/index.js';
import { ensureMember } from '../kernel/persons.js';
import { makeCtx, type Chat, type Ctx } from '../kernel/context.js';

export interface MemberCtx extends Ctx {
  /** True when this command made the writer a resident (audited as a join when the command itself audits nothing). */
  joined: boolean;
}

export async function makeMemberCtx(base: {
  tx: Tx;
  now: Date;
  tz: string;
  lang: Lang;
  platform: Platform;
  communityId: number;
  /** The bound chat written in; none for the resident page. */
  chat?: Chat;
  threadId?: string;
  sender: { platformUserId: string; displayName: string; lang?: string };
  events: CoreEvent[];
}): Promise<MemberCtx> {
  const { tx, chat } = base;
  const [community] = await tx.select().from(communities).where(eq(communities.id, base.communityId));
  if (!community) throw new Error(`community ${base.communityId} not found`);
  const { identity, joined } = await ensureMember(tx, base.platform, base.sender, base.communityId);
  const ctx = makeCtx({ tx, now: base.now, tz: base.tz, lang: base.lang, community, chat, threadId: base.threadId, personId: identity.personId, identityId: identity.id, displayName: identity.displayName ?? '', events: base.events, audits: { count: 0 } });
  return Object.assign(ctx, { joined });
}

/** A command that wrote no audit row of its own still records that its writer joined. */
export async function auditJoinIfSilent(ctx: MemberCtx): Promise<void> {
  if (ctx.joined && ctx.audits.count === 0) await ctx.audit('member.joined', { platform: ctx.chat?.platform ?? null, via: ctx.chat ? 'command' : 'page' });
}
