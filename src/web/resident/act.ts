/**
 * A resident's action on the page is the chat command it stands for (`/support 3`, `/vote 3 2`…), run
 * by the core as written by the resident's identity in the community (Incoming.page): the same use case,
 * one transaction with its audit row, and exactly once — the form's one-time token is the update key,
 * so a form sent twice (a double tap, a reload) changes nothing the second time.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { Lang } from '../../i18n/index.js';
import type { Community } from '../../kernel/context.js';
import type { ResidentSession } from '../../sessions/resident.js';
import { sameToken } from '../../sessions/sessions.js';
import type { ResidentWeb } from './context.js';

/** A fresh one-time token for a form. */
export const onceToken = () => randomBytes(18).toString('base64url');

export type ActResult = { done: true; reply?: string } | { duplicate: true } | { refused: string } | { failed: 'csrf' | 'limited' | 'unavailable' | 'signin' };

/** The form's tokens checked, then the command run as the session's identity in `community`. */
export async function act(rw: ResidentWeb, c: Context, s: ResidentSession | undefined, community: Community, text: (form: Record<string, string>) => string): Promise<ActResult> {
  if (!s) return { failed: 'signin' };
  const raw = await c.req.parseBody();
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') form[k] = v;
  if (!sameToken(form._csrf, s.csrfToken)) return { failed: 'csrf' };
  const once = form._once ?? '';
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(once)) return { failed: 'csrf' };
  if (!rw.actions.hit(s.idHash, rw.now())) return { failed: 'limited' };
  if (!rw.core) return { failed: 'unavailable' };
  const lang: Lang = community.lang === 'en' ? 'en' : 'zh';
  const outcome = await rw.core.handle({
    platform: s.platform,
    chat: { platformChatId: `page:${community.id}`, kind: 'group' },
    sender: { platformUserId: s.platformUserId, displayName: s.displayName, lang },
    text: text(form),
    updateKey: `page:${once}`,
    page: { communityId: community.id },
  });
  if (outcome.duplicate) return { duplicate: true };
  if (!outcome.stored) return { failed: 'unavailable' };
  if (outcome.errorCode) return { refused: outcome.replies[0]?.text ?? outcome.errorCode };
  return { done: true, reply: outcome.replies[0]?.text };
}
