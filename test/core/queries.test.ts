/** The query port adapters ask instead of reading the schema, and the ballot confirmation's confidential mark. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import { makeWorld, say, type World } from './helpers.js';

describe('the core query port', () => {
  let database: Database;
  let w: World;
  let pollId: number;
  beforeAll(async () => {
    database = await freshDatabase();
    w = await makeWorld(database, { threshold: 1 });
    await say(w, '张三', '/suggest 东门路灯坏了');
    await say(w, '李四', '/support 1');
    await say(w, 'staff', '/agenda 1');
    pollId = (await say(w, 'staff', '/poll 1 30m')).replies[0].pollId!;
  });
  afterAll(async () => {
    await database.close();
  });

  it("tells a poll's kind and its suggestion's number, and nothing for an unknown poll", async () => {
    expect(await w.core.query.pollInfo(pollId)).toEqual({ kind: 'vote', suggestionNumber: 1 });
    expect(await w.core.query.pollInfo(pollId + 1000)).toBeUndefined();
  });

  it('tells where the ballot message is once an adapter remembered it', async () => {
    expect(await w.core.query.pollMessage(pollId)).toBeUndefined();
    await w.core.setPollMessage(pollId, w.chatId, '77');
    expect(await w.core.query.pollMessage(pollId)).toEqual({ platform: 'telegram', platformChatId: w.chatId, messageId: '77' });
    // A message in another chat (a send to a group's old id answered late) is not the ballot.
    await w.core.setPollMessage(pollId, `${w.chatId}9`, '78');
    expect(await w.core.query.pollMessage(pollId)).toEqual({ platform: 'telegram', platformChatId: w.chatId, messageId: '77' });
  });

  it("tells a stored chat's kind, and nothing for a chat never seen", async () => {
    expect(await w.core.query.chatKind('telegram', w.chatId)).toBe('group');
    expect(await w.core.query.chatKind('wechat', w.chatId)).toBeUndefined();
  });

  it('marks the confirmation of a ballot cast by command as confidential, and nothing else', async () => {
    const voted = await say(w, '王五', '/vote 1 1');
    expect(voted.errorCode).toBeUndefined();
    expect(voted.replies).toEqual([expect.objectContaining({ confidential: true })]);
    const refused = await say(w, '王五', '/vote 1 9');
    expect(refused.errorCode).toBe('BAD_CHOICE');
    expect(refused.replies[0].confidential).toBeUndefined();
    expect((await say(w, 'staff', '/show 1')).replies[0].confidential).toBeUndefined();
  });
});
