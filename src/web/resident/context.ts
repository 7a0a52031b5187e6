/** What the resident pages share: the staff page's basics, the core (every action is a chat command), WeChat's web authorisation. */
import type { Core } from '../../kernel/types.js';
import type { ResidentSession } from '../../sessions/resident.js';
import type { Web } from '../context.js';
import { AttemptLimiter } from '../limiter.js';

/** WeChat's web authorisation (snsapi_base), when the Official Account is configured. */
export interface Oauth {
  appId: string;
  /** WECHAT_MP_OAUTH_ROOT. */
  authorizeRoot: string;
  /** The openid behind a code (exchanged at WECHAT_MP_API_ROOT/sns/oauth2/access_token). */
  openidOf(code: string): Promise<string>;
}

export interface ResidentWeb extends Web {
  /** Runs the page's actions; without it the pages only show. */
  core?: Core;
  oauth?: Oauth;
  /** The page's public base URL (the links, WeChat's redirect_uri). */
  baseUrl(): string;
  /** Personal links and authorisation returns per client address (20 in 10 minutes). */
  signIns: AttemptLimiter;
  /** Actions per session (30 a minute). */
  actions: AttemptLimiter;
}

export const newResidentWeb = (web: Web, extra: Pick<ResidentWeb, 'core' | 'oauth' | 'baseUrl'>): ResidentWeb => ({
  ...web,
  ...extra,
  signIns: new AttemptLimiter(20, 10 * 60e3),
  actions: new AttemptLimiter(30, 60e3),
});

/** A resident page's variables: the session when there is one. */
export type AsResident = { Variables: { resident: ResidentSession | undefined } };

