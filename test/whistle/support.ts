/** A tree around a core test world: district → street → the world's community, units with contacts, street staff. */
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { importData } from '../../src/admin/import.js';
import { importFileSchema } from '../../src/admin/import.js';
import { say, uid, type World } from '../core/helpers.js';

export async function seedTree(w: World) {
  const db = w.database.db;
  const [c] = await db.select().from(s.communities).where(eq(s.communities.id, w.communityId));
  const d = `d-${w.slug}`;
  const st = `s-${w.slug}`;
  const file = importFileSchema.parse({
    org: {
      nodes: [
        { level: 'district', slug: d, name: '东城区', staff: [`telegram:${uid(w, 'qu')}`] },
        { level: 'street', slug: st, name: '安定门街道', parent: d, staff: [`telegram:${uid(w, 'jd')}`] },
      ],
      units: [
        { at: w.slug, name: '物业公司', kind: 'property', contacts: [`telegram:${uid(w, 'wy')}`] },
        { at: st, name: '城管执法队', kind: 'department', contacts: [`telegram:${uid(w, 'cg')}`] },
      ],
    },
    communities: [{ slug: c!.slug, name: c!.name, parent: st }],
  });
  await importData(db, file, w.clock.now(), 'Asia/Shanghai');
  // The contacts and street/district staff start the bot privately, so they can be told.
  for (const who of ['wy', 'cg', 'jd', 'qu']) await start(w, who);
  return { district: d, street: st };
}

export const dm = (w: World, who: string) => `dm-${uid(w, who)}`;

export function start(w: World, who: string) {
  return w.core.handle({ platform: 'telegram', chat: { platformChatId: dm(w, who), kind: 'private' }, sender: { platformUserId: uid(w, who), displayName: who }, text: '/start' });
}

/** A command written privately to the bot. */
export function sayPrivately(w: World, who: string, text: string) {
  return w.core.handle({ platform: 'telegram', chat: { platformChatId: dm(w, who), kind: 'private' }, sender: { platformUserId: uid(w, who), displayName: who }, text });
}

export async function outboxTo(database: Database, chatId: string) {
  return (await database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.platformChatId, chatId))).map((r) => ({ key: r.dedupeKey, text: (r.payload as { text: string }).text }));
}

export { say };
