/** The outbox on real Postgres: one row per dedupe key however often a use case writes it, nothing over a platform's length. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { MAX_MESSAGE } from '../../src/domain/text.js';
import { pendingOutboxIds, writeOutbox, type OutboxMessage } from '../../src/messaging/outbox.js';

describe('the outbox', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const message = (key: string, text = '会议提醒'): OutboxMessage => ({ platform: 'telegram', platformChatId: 'g-outbox', dedupeKey: key, payload: { text } });

  it('writes a dedupe key once and says which keys were new', async () => {
    const k = `test:outbox:${Date.now()}`;
    expect(await writeOutbox(database.db, [message(`${k}:a`), message(`${k}:b`)])).toEqual([`${k}:a`, `${k}:b`]);
    expect(await writeOutbox(database.db, [message(`${k}:a`, '另一段文字'), message(`${k}:c`)])).toEqual([`${k}:c`]);
    const rows = await database.db.select().from(s.outboundMessages).where(inArray(s.outboundMessages.dedupeKey, [`${k}:a`, `${k}:b`, `${k}:c`]));
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.dedupeKey === `${k}:a`)!.payload).toMatchObject({ text: '会议提醒' });
    expect(await pendingOutboxIds(database.db, [`${k}:a`, `${k}:b`, `${k}:c`])).toHaveLength(3);
  });

  it('fits a text longer than a platform allows', async () => {
    const k = `test:outbox:long:${Date.now()}`;
    await writeOutbox(database.db, [message(k, '议'.repeat(MAX_MESSAGE + 500))]);
    const [row] = await database.db.select().from(s.outboundMessages).where(inArray(s.outboundMessages.dedupeKey, [k]));
    const text = (row!.payload as { text: string }).text;
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(text.endsWith('…')).toBe(true);
  });
});
