/** The resident pages in-process: personal links, a cookie jar, the forms' tokens, a fingerprint of what changed. */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { say, uid, type World } from '../core/helpers.js';
import type { Browser } from './support.js';

/** Sends `/page` privately as `who` on the world's platform (or `platform`) and returns the link's token. */
export async function personalLink(w: World, who: string, platform = w.platform): Promise<string> {
  const out = await w.core.handle({ platform, chat: { platformChatId: `p-${uid(w, who)}`, kind: 'private' }, sender: { platformUserId: uid(w, who), displayName: who }, text: '/page' });
  const m = /\/page\/([A-Za-z0-9_-]+)/.exec(out.replies[0]?.text ?? '');
  if (!m) throw new Error(`no link in: ${out.replies[0]?.text}`);
  return m[1]!;
}

/** Opens the personal link and presses its button. */
export async function enter(b: Browser, token: string): Promise<Response> {
  const html = await (await b.request(`/page/${token}`)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return b.request('/page', { form: { token, _csrf: csrf } });
}

/** The hidden fields of the first form posting to `action` on page `path` (its CSRF token and one-time token). */
export async function formOf(b: Browser, path: string, action: string): Promise<Record<string, string>> {
  const html = await (await b.request(path)).text();
  const at = html.indexOf(`action="${action}"`);
  if (at < 0) throw new Error(`no form to ${action} on ${path}`);
  const form = html.slice(at, html.indexOf('</form>', at));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1]!] = m[2]!;
  return fields;
}

/** What a refused action must leave as it was: suggestions, supports, comments, ballots, ratings, the audit log. */
export async function fingerprint(database: Database): Promise<string> {
  const q = async (text: string) => JSON.stringify(await database.db.execute(sql.raw(text)));
  return [
    await q(`select number, stage, support_count from suggestions order by id`),
    await q(`select count(*)::int from supports`),
    await q(`select count(*)::int from comments`),
    await q(`select poll_id, person_id, choice from ballots order by 1, 2`),
    await q(`select poll_id, person_id, level from ratings order by 1, 2`),
    await q(`select count(*)::int from audit_log`),
    await q(`select id, status from polls order by id`),
  ].join('|');
}

export const text = async (r: Response) => r.text();

/** `/vote`s in the world's group as `who`. */
export const voteInGroup = (w: World, who: string, n: number, k: number) => say(w, who, `/vote ${n} ${k}`);
