/** Button presses grouped into one statement (group commit) on real Postgres: exact, audited, and a failing press costs the others nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, sql } from 'drizzle-orm';
import { freshDatabase, tempDir } from '../support/services.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { PressGroups } from '../../src/consultation/press-groups.js';
import { makeWorld, press, replyText, say, uid, type World } from '../core/helpers.js';

async function openVote(w: World) {
  const sug = await say(w, '作者', '/suggest 楼道装感应灯');
  const n = Number(/#(\d+)/.exec(replyText(sug))![1]);
  const poll = await say(w, 'staff', `/poll ${n}`);
  expect(poll.errorCode).toBeUndefined();
  return { n, pollId: poll.replies[0].pollId!, buttons: poll.replies[0].buttons!.flat() };
}

const countOf = async (database: Database, table: typeof s.ballots | typeof s.processedUpdates, where?: ReturnType<typeof eq>) =>
  Number((await database.db.select({ c: count() }).from(table).where(where))[0].c);

describe('press groups', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase({ max: 20 });
  });
  afterAll(async () => {
    await database.close();
  });

  it('stores presses arriving together in few statements, each with its own ballot, audit row and update key', async () => {
    const w = await makeWorld(database);
    const { pollId } = await openVote(w);
    const groups = new PressGroups(database.db, { maxInFlight: 2, minGroup: 4 });
    const voters = Array.from({ length: 40 }, (_, i) => `组${i}`);
    // Everyone presses at once, each delivery with its own update key; position(i) is the choice.
    const pressAll = (position: (i: number) => number) =>
      Promise.all(
        voters.map((v, i) =>
          groups.press({
            platform: 'telegram',
            updateKey: `g-${w.slug}-${i}`,
            chat: { kind: 'group', platformChatId: w.chatId },
            sender: { platformUserId: uid(w, v), displayName: v },
            kind: 'vote',
            pollId,
            position: position(i),
            now: w.clock.current,
          }),
        ),
      );
    const outs = await pressAll((i) => (i % 3) + 1);
    expect(outs.every((o) => o.outcome === 'cast')).toBe(true);
    expect(groups.stats.presses).toBe(40);
    expect(groups.stats.groups).toBeLessThanOrEqual(4);
    expect(groups.stats.largest).toBeGreaterThan(1);
    expect(groups.stats.fallbacks).toBe(0);
    expect(await countOf(database, s.ballots, eq(s.ballots.pollId, pollId))).toBe(40);
    const audits = await database.db.select().from(s.auditLog).where(and(eq(s.auditLog.communityId, w.communityId), eq(s.auditLog.action, 'ballot.cast')));
    expect(audits).toHaveLength(40);
    expect(await countOf(database, s.processedUpdates, sql`${s.processedUpdates.updateKey} like ${`g-${w.slug}-%`}`)).toBe(40);

    // The same forty again (a re-delivery): duplicates, nothing written.
    const again = await pressAll(() => 1);
    expect(again.every((o) => o.outcome === 'duplicate')).toBe(true);
    const view = await w.core.ballotView(pollId);
    expect(view!.text).toContain('同意 14 · 反对 13 · 弃权 13');
  });

  it('runs the presses of a failed group one by one: only the press that cannot be stored fails, and it can come again', async () => {
    const w = await makeWorld(database);
    const { n, buttons } = await openVote(w);
    const bad = uid(w, '坏');
    // A real database refusal for one presser only (dropped again below).
    await database.db.execute(sql.raw(`create function refuse_bad() returns trigger as $$ begin
      if new.platform_user_id = '${bad}' then raise exception 'refused for the test'; end if; return new; end $$ language plpgsql`));
    await database.db.execute(sql`create trigger refuse_bad before insert on identities for each row execute function refuse_bad()`);
    try {
      const names = ['好1', '好2', '坏', '好3', '好4', '好5'];
      const outs = await Promise.all(names.map((who, i) => press(w, who, buttons[0].data, { updateKey: `f-${w.slug}-${i}` })));
      expect(outs.map((o) => o.errorCode ?? o.toast)).toEqual(['已投：同意', '已投：同意', 'INTERNAL', '已投：同意', '已投：同意', '已投：同意']);
      // Nothing of the bad press was stored, not even its update key: a re-delivery is handled afresh.
      expect(await countOf(database, s.processedUpdates, eq(s.processedUpdates.updateKey, `f-${w.slug}-2`))).toBe(0);
    } finally {
      await database.db.execute(sql`drop trigger refuse_bad on identities`);
    }
    const retry = await press(w, '坏', buttons[1].data, { updateKey: `f-${w.slug}-2` });
    expect(retry.toast).toBe('已投：反对');
    expect(replyText(await say(w, 'staff', `/close ${n}`))).toContain('同意 5 · 反对 1 · 弃权 0');
  });
});

describe('press groups on the embedded PGlite', () => {
  it('stores a burst of presses exactly, through the same statements', async () => {
    const database = await openDatabase({ dataDir: tempDir() });
    try {
      expect(database.kind).toBe('pglite');
      const w = await makeWorld(database);
      const { n, pollId, buttons } = await openVote(w);
      const outs = await Promise.all(Array.from({ length: 30 }, (_, i) => press(w, `嵌${i}`, buttons[i % 3].data, { updateKey: `p-${i}` })));
      expect(outs.every((o) => o.toast?.startsWith('已投'))).toBe(true);
      const again = await press(w, '嵌0', buttons[2].data, { updateKey: 'p-0' });
      expect(again.duplicate).toBe(true);
      expect(await countOf(database, s.ballots, eq(s.ballots.pollId, pollId))).toBe(30);
      expect(replyText(await say(w, 'staff', `/close ${n}`))).toContain('同意 10 · 反对 10 · 弃权 10');
    } finally {
      await database.close();
    }
  }, 60000);
});
