/** The staff page in-process on a real database: a world with a signed-in staff member. */
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { createWebApp, type WebDeps } from '../../src/web/app.js';
import { makePersonCtx } from '../../src/kernel/person-context.js';
import { webCommand } from '../../src/sessions/commands.js';
import { config, uid, type World } from '../core/helpers.js';

/** Sends `/web` privately as `who` (a use case call, as the router does) and returns the link's token. */
export async function linkFor(w: World, who: string): Promise<string> {
  const result = await w.database.db.transaction(async (tx) => {
    const ctx = await makePersonCtx({
      tx,
      now: w.clock.now(),
      tz: 'Asia/Shanghai',
      lang: 'zh',
      where: { platform: w.platform, platformChatId: `p-${uid(w, who)}`, kind: 'private' },
      sender: { platformUserId: uid(w, who), displayName: who },
      events: [],
    });
    return webCommand(ctx, '');
  });
  const m = /\/signin\/([A-Za-z0-9_-]+)/.exec(result.reply!.text);
  if (!m) throw new Error(`no link in: ${result.reply?.text}`);
  return m[1]!;
}

export function webApp(w: World, extra: Partial<WebDeps> = {}): Hono<any> {
  return createWebApp({ config, database: w.database, now: w.clock.now, ...extra });
}

/** A cookie jar over app.request. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(private readonly app: Hono<any>) {}
  async request(path: string, init: RequestInit & { form?: Record<string, string> } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    const res = await this.app.request(path, { ...init, headers, body, method: init.method ?? (init.form ? 'POST' : 'GET') });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = pair!.split('=');
      if (/max-age=0/i.test(c) || v.join('=') === '') this.cookies.delete(k!);
      else this.cookies.set(k!, v.join('='));
    }
    return res;
  }
  /** Opens the link and presses the sign-in button. */
  async signIn(token: string): Promise<Response> {
    const page = await this.request(`/signin/${token}`);
    const html = await page.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    return this.request('/signin', { form: { token, _csrf: csrf } });
  }
  async csrf(path: string): Promise<string> {
    const html = await (await this.request(path)).text();
    return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  }
}

export async function auditActions(w: World): Promise<string[]> {
  const rows = (await w.database.db.execute(sql`select action from audit_log order by id`)) as unknown as { action: string }[];
  return rows.map((r) => r.action);
}
