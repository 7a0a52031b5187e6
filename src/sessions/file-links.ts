/**
 * Signed, expiring links to a result picture or a 公示 notice, for platforms that take no file (the WeCom
 * smart bot, WeChat through a puppet, the Official Account's text): `/f/<kind>/<id>/<lang>/<expires>/<sig>`,
 * the signature an HMAC-SHA256 of the rest under a key the app makes for itself on first use (shared by
 * every instance through Postgres). Anyone with the link may open the file until it expires: it shows
 * counts only, never who voted.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { appSecrets } from '../db/schema.js';
import type { Attachment } from '../domain/messages.js';
import type { Lang } from '../i18n/index.js';

export const FILE_LINK_TTL_MS = 30 * 24 * 3600e3;
const KEY_NAME = 'file-links';
const KINDS = { 'poll-chart': 'chart', notice: 'notice', 'owners-notice': 'owners' } as const;
type Short = (typeof KINDS)[keyof typeof KINDS];

const keys = new WeakMap<Db, Promise<Buffer>>();

async function loadKey(db: Db): Promise<Buffer> {
  await db.insert(appSecrets).values({ name: KEY_NAME, value: randomBytes(32).toString('base64url') }).onConflictDoNothing();
  const [row] = await db.select().from(appSecrets).where(eq(appSecrets.name, KEY_NAME));
  return Buffer.from(row!.value, 'base64url');
}

function keyOf(db: Db): Promise<Buffer> {
  let k = keys.get(db);
  if (!k) {
    k = loadKey(db).catch((err) => {
      keys.delete(db);
      throw err;
    });
    keys.set(db, k);
  }
  return k;
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url').slice(0, 32);

/** The path (under the web page's base URL) of a signed link to `a`, drawn in `lang`, valid 30 days from `now`. */
export async function fileLinkPath(db: Db, a: Attachment, lang: Lang, now: Date): Promise<string> {
  const id = a.kind === 'owners-notice' ? a.voteId : a.pollId;
  const expires = Math.floor((now.getTime() + FILE_LINK_TTL_MS) / 1000);
  const payload = `${KINDS[a.kind]}/${id}/${lang}/${expires}`;
  const ext = a.kind === 'poll-chart' ? 'png' : 'pdf';
  return `/f/${payload}/${sign(await keyOf(db), payload)}.${ext}`;
}

/** The attachment a signed link names, or why not: 'bad' (forged, tampered, malformed) or 'expired'. */
export async function openFileLink(db: Db, parts: { kind: string; id: string; lang: string; expires: string; sig: string }, now: Date): Promise<{ attachment: Attachment; lang: Lang } | 'bad' | 'expired'> {
  const { kind, id, lang, expires } = parts;
  const sig = parts.sig.replace(/\.(png|pdf)$/, '');
  if (!/^\d{1,9}$/.test(id) || !/^\d{1,12}$/.test(expires) || (lang !== 'zh' && lang !== 'en') || !/^[A-Za-z0-9_-]{32}$/.test(sig)) return 'bad';
  const short = Object.values(KINDS).find((k) => k === kind) as Short | undefined;
  if (!short) return 'bad';
  const want = Buffer.from(sign(await keyOf(db), `${kind}/${id}/${lang}/${expires}`));
  if (!timingSafeEqual(want, Buffer.from(sig))) return 'bad';
  if (Number(expires) * 1000 <= now.getTime()) return 'expired';
  const n = Number(id);
  const attachment: Attachment = short === 'owners' ? { kind: 'owners-notice', voteId: n } : { kind: short === 'chart' ? 'poll-chart' : 'notice', pollId: n };
  return { attachment, lang };
}
