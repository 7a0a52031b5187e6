/** The CLI's part of the staff web page: `sessions revoke` and `export <slug> --format xlsx|csv [--lang en]`. */
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { Config } from '../lib/config.js';
import type { Database } from '../db/client.js';
import type { Platform } from '../db/schema.js';
import { findIdentity } from '../kernel/persons.js';
import { communityWorkbook } from '../reports/xlsx.js';
import { revokeSessions } from '../sessions/sessions.js';
import { AdminError } from '../domain/admin-errors.js';
import type { Community } from '../org/communities.js';
import { exportSuggestions } from '../reports/export.js';
import { tableCsv, type PeopleTable } from '../reports/tables.js';

export const SESSIONS_USAGE = 'sessions revoke [<platform>:<userId>] (all sessions of the staff web page, or one person\'s)';

/** Ends the web sessions of one person, or all of them; prints how many. */
export async function revokeSessionsCommand(database: Database, who: { platform: Platform; platformUserId: string } | undefined, now: Date, out: (line: string) => void): Promise<void> {
  let personId: number | undefined;
  if (who) {
    const identity = await findIdentity(database.db, who.platform, who.platformUserId);
    if (!identity) throw new AdminError('BAD_ARGUMENT', `nobody is known as ${who.platform}:${who.platformUserId}`);
    personId = identity.personId;
  }
  const n = await revokeSessions(database.db, { personId }, now);
  out(`revoked ${n} web session(s)${who ? ` of ${who.platform}:${who.platformUserId}` : ''}`);
}

/** The exports for people: xlsx (to --out or stdout), or one table as CSV with a BOM, headers in `lang`, local times. */
export async function exportForPeople(
  database: Database,
  community: Community,
  opts: { format: 'xlsx' | 'csv'; lang: 'zh' | 'en'; table?: PeopleTable; out?: string },
  config: Config,
  stdout: Writable,
  now = new Date(),
): Promise<number> {
  let data: Buffer;
  let n: number;
  if (opts.format === 'xlsx') {
    data = await communityWorkbook(database.db, community, opts.lang, config.YISHI_TZ, now);
    n = (await exportSuggestions(database.db, community)).length;
  } else {
    const r = await tableCsv(database.db, community, opts.table ?? 'items', opts.lang, config.YISHI_TZ, now);
    data = Buffer.from(r.csv, 'utf8');
    n = r.rows;
  }
  if (opts.out) fs.writeFileSync(opts.out, data);
  else await new Promise<void>((resolve, reject) => stdout.write(data, (err) => (err ? reject(err) : resolve())));
  return n;
}
