/**
 * Finding 4: the raw sign-in token was stored at rest (processed_updates.replies kept the whole
 * /signin/<token> URL after delivery). Now the adapter gets the live link, and no table holds the token
 * or the session id: not the stored reply, not the links, not the sessions, not the audit log.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.js';
import { markOutboxSent, writeOutbox } from '../../../src/messaging/outbox.js';
import { redactLinks } from '../../../src/messaging/redact.js';
import { makeWorld, say, uid } from '../../core/helpers.js';
import { freshDatabase } from '../../support/services.js';
import { Browser, webApp } from '../support.js';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

type Column = { table_name: string; column_name: string };

/** Every text, varchar and json(b) column of every table in the schema holding `secret`, as table.column. */
async function whereStored(secret: string): Promise<string[]> {
  const columns = (await database.db.execute(sql`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and data_type in ('text', 'character varying', 'json', 'jsonb')
    order by table_name, column_name`)) as unknown as Column[];
  expect(columns.length).toBeGreaterThan(20);
  const found: string[] = [];
  for (const c of columns) {
    const rows = (await database.db.execute(
      sql`select count(*)::int as n from ${sql.identifier(c.table_name)} where position(${secret} in ${sql.identifier(c.column_name)}::text) > 0`,
    )) as unknown as { n: number }[];
    if (rows[0]!.n > 0) found.push(`${c.table_name}.${c.column_name}`);
  }
  return found;
}

describe('secrets at rest', () => {
  it('keeps the sign-in token and the session id in no table, once the reply is delivered and the link used', async () => {
    const w = await makeWorld(database);
    const dm = { platformChatId: `p-${uid(w, 'staff')}`, kind: 'private' as const };
    const out = await say(w, 'staff', '/web', { chat: dm, updateKey: 'web-1', delivery: { chat: { id: dm.platformChatId } } });
    const link = /\/signin\/([A-Za-z0-9_-]+)/.exec(out.replies[0]!.text);
    expect(link, 'the adapter sends the live link').toBeTruthy();
    const token = link![1]!;
    await w.core.repliesDelivered('telegram', 'web-1');

    const b = new Browser(webApp(w));
    expect((await b.signIn(token)).status).toBe(303);
    const sessionId = b.cookies.get('yishi_session')!;
    expect(sessionId).toBeTruthy();

    expect(await whereStored(token)).toEqual([]);
    expect(await whereStored(sessionId)).toEqual([]);
    // The stored copy still says what it was: the link's page, without its token.
    const [kept] = (await database.db.execute(sql`select replies from processed_updates where update_key = 'web-1'`)) as unknown as { replies: { text: string }[] }[];
    expect(kept!.replies[0]!.text).toMatch(/\/signin\/…/);
  });

  it('keeps no link token in the outbox once the message is sent', async () => {
    const token = 'T'.repeat(43);
    await writeOutbox(database.db, [{ platform: 'telegram', platformChatId: 'p-1', dedupeKey: 'link-out-1', payload: { text: `登录：https://y.example/signin/${token}` } }]);
    const [{ id }] = (await database.db.execute(sql`select id from outbound_messages where dedupe_key = 'link-out-1'`)) as unknown as { id: number }[];
    await markOutboxSent(database.db, Number(id), 'm1');
    expect(await whereStored(token)).toEqual([]);
  });

  it('cuts any long token out of a link, whatever page it opens, and leaves other text alone', () => {
    const token = 'Q'.repeat(43);
    expect(redactLinks(`打开 https://y.example/signin/${token} 登录`)).toBe('打开 https://y.example/signin/… 登录');
    expect(redactLinks(`https://y.example/v/in/${token}，请勿转发`)).toBe('https://y.example/v/in/…，请勿转发');
    expect(redactLinks(`https://y.example/v/xfl/3?k=${token}`)).toBe('https://y.example/v/xfl/3?k=…');
    expect(redactLinks('#3 https://y.example/v/xfl/3 同意 4')).toBe('#3 https://y.example/v/xfl/3 同意 4');
  });
});
