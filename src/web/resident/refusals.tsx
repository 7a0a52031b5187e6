/** What a resident's form that never reached its use case says (no session, a stale form, too many, a duplicate, the core away). */
import type { Context } from 'hono';
import { t } from '../../i18n/index.js';
import type { Community } from '../../kernel/context.js';
import type { ActResult } from './act.js';
import { rsay } from './layout.js';

/** What a failed form says (a refusal of the use case itself is shown on the item page). */
export function refusedPage(c: Context, cm: Community, r: Exclude<ActResult, { done: true } | { refused: string }>) {
  const lang = cm.lang === 'en' ? 'en' : 'zh';
  if ('duplicate' in r) return rsay(c, 400, lang, 'r.duplicate', <a class="big" href={`/v/${cm.slug}`}>{t(lang, 'r.item.back')}</a>);
  if (r.failed === 'signin') return rsay(c, 401, lang, 'r.needed');
  if (r.failed === 'csrf') return rsay(c, 403, lang, 'r.csrf');
  if (r.failed === 'limited') return rsay(c, 429, lang, 'r.limited');
  return rsay(c, 503, lang, 'r.unavailable');
}

