/** What the parts of the staff page share: the database, the clock and zone, and each request's variables. */
import type { Context } from 'hono';
import type { Db } from '../db/client.js';
import type { CoreEvent } from '../domain/messages.js';
import { langOf, type Lang } from '../i18n/index.js';
import type { Community } from '../kernel/context.js';
import type { Logger } from '../lib/logger.js';
import type { Session } from '../sessions/sessions.js';

export interface Web {
  db: Db;
  tz: string;
  now: () => Date;
  logger: Logger;
  /** Cookies go only over https when the page's own URL is https. */
  secure: boolean;
  /** Told a staff action's events after its commit. */
  notify?: (events: CoreEvent[]) => void;
  /** The queue view is mounted, so its link shows to operators. */
  queues: boolean;
  /** Reverse proxies in front of the web port (YISHI_TRUST_PROXY): how far X-Forwarded-For is believed. */
  trustProxy: number;
}

/** Past the session check: who is signed in, and the communities where they are staff. */
export type SignedIn = { Variables: { session: Session; communities: Community[] } };

/** Below /c/:slug: one of those communities. */
export type InCommunity = { Variables: SignedIn['Variables'] & { community: Community; /** A supervisor's or street/district staff's view: GET only, no forms. */ readOnly?: boolean } };

/** The language of a request without a session (its Accept-Language). */
export const langOfReq = (c: Context): Lang => langOf(c.req.header('accept-language'));
