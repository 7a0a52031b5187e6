/**
 * Replies kept for an adapter (Incoming.delivery) until it says they went out, on Postgres and on the
 * embedded PGlite: kept only with replies, refusals too; marked delivered once; claimed once, oldest
 * first, within the range asked; a duplicate delivery keeps nothing new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client.js';
import { freshDatabase, tempDir } from '../support/services.js';
import { makeWorld, say, type World } from './helpers.js';

const address = (n: number) => ({ chat: { id: -100, type: 'supergroup' }, from: { id: n, is_bot: false, first_name: `居民${n}` }, origin: { messageId: n } });

function rules(name: string, open: () => Promise<Database>) {
  describe(`replies kept until delivered (${name})`, () => {
    let database: Database;
    let w: World;
    beforeAll(async () => {
      database = await open();
      w = await makeWorld(database, { threshold: 1 });
    });
    afterAll(async () => {
      await database.close();
    });

    const kept = async () =>
      (await database.db.execute(sql`select update_key, delivered_at is not null as delivered from processed_updates where delivery is not null order by update_key`)) as unknown as
        | { update_key: string; delivered: boolean }[]
        | { rows: { update_key: string; delivered: boolean }[] };
    const rowsOf = async () => {
      const r = await kept();
      return (Array.isArray(r) ? r : r.rows).map((x) => [x.update_key, x.delivered]);
    };

    it('keeps where the replies go, with a refusal too, and claims them once, oldest first', async () => {
      const t0 = w.clock.now();
      await say(w, '张三', '/suggest 东门路灯坏了', { updateKey: 'k1', delivery: address(1) });
      w.clock.advance(1000);
      await say(w, '李四', '/agenda 1', { updateKey: 'k2', delivery: address(2) }); // refused: not staff
      w.clock.advance(1000);
      await say(w, '王五', '/suggest 西门加装路灯', { updateKey: 'k3' }); // no delivery asked: nothing kept
      expect(await rowsOf()).toEqual([['k1', false], ['k2', false]]);

      // A second delivery of k1 is a duplicate: nothing new is kept.
      expect((await say(w, '张三', '/suggest 东门路灯坏了', { updateKey: 'k1', delivery: address(1) })).duplicate).toBe(true);

      await w.core.repliesDelivered('telegram', 'k2');
      expect(await rowsOf()).toEqual([['k1', false], ['k2', true]]);

      // Only what was processed within the range, and only once.
      expect(await w.core.claimUndeliveredReplies('telegram', { since: t0, before: new Date(t0.getTime() - 1) })).toEqual([]);
      const claimed = await w.core.claimUndeliveredReplies('telegram', { since: t0, before: w.clock.now() });
      expect(claimed.map((c) => c.updateKey)).toEqual(['k1']);
      expect(claimed[0]!.delivery).toEqual(address(1));
      expect(claimed[0]!.replies[0]!.text).toContain('东门路灯坏了');
      expect(await w.core.claimUndeliveredReplies('telegram', { since: t0, before: w.clock.now() })).toEqual([]);
      expect(await rowsOf()).toEqual([['k1', true], ['k2', true]]);
    });
  });
}

rules('Postgres', () => freshDatabase());
rules('PGlite', () => openDatabase({ dataDir: tempDir() }));
