/**
 * The WeCom adapter when the wire misbehaves: the socket dropped in the middle of a vote, WeCom
 * unreachable while the jobs' send queue has messages, rate-limit answers. Fake WeCom server, real
 * core on Postgres, real jobs on Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as s from '../../src/db/schema.js';
import { addCommunity } from '../../src/org/communities.js';
import { grantRole } from '../../src/people/roles.js';
import { PermanentSendError, RateLimitedError } from '../../src/messaging/port.js';
import { startJobs, type Jobs } from '../../jobs/index.js';
import { frameText, type WecomUser } from '../support/fake-wecom.js';
import { uniqueName } from '../support/services.js';
import { cardOf, startWecomWorld, type WecomWorld } from './harness.js';

let w: WecomWorld;
let jobs: Jobs | undefined;
const GROUP = 'wrk-resilience-group';
const staff: WecomUser = { userid: 'staff1' };
const members: WecomUser[] = ['m1', 'm2', 'm3', 'm4'].map((userid) => ({ userid }));

beforeAll(async () => {
  w = await startWecomWorld({ bot: { rateLimitWaitMs: 400 } });
  const community = await addCommunity(w.database.db, { slug: 'heping', name: '和平社区', supportThreshold: 1 });
  await grantRole(w.database.db, community, { platform: 'wecom', platformUserId: staff.userid }, 'staff');
  await w.say(staff, '/bind heping', GROUP);
  await w.say(members[0]!, '/suggest 楼道灯常亮', GROUP);
  await w.say(members[1]!, '/support 1', GROUP);
  await w.say(staff, '/agenda 1', GROUP);
});
afterAll(async () => {
  await jobs?.stop();
  await w?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the WeCom socket dropped in the middle of a vote', () => {
  it('loses no press and doubles none: a press whose card update died with the socket is re-delivered after the reconnect and changes nothing', async () => {
    const opened = await w.say(staff, '/poll 1', GROUP);
    const card = cardOf(opened.frames[0]);
    const pollId = Number(card.button_list[0].key.split(':')[1]);
    const key = (k: number) => `v:${pollId}:${k}`;
    await w.press(members[0]!, GROUP, key(1), card.task_id);
    await w.press(members[1]!, GROUP, key(2), card.task_id);

    // The socket dies while m3's press is being answered: its card update never arrives.
    w.fake.swallowFrames('aibot_respond_update_msg');
    const lost = w.fake.press(members[2]!, GROUP, key(1), card.task_id);
    await sleep(300);
    const loginsBefore = w.fake.logins;
    w.fake.drop();
    w.fake.swallowNone();
    await w.fake.waitFor(() => w.fake.logins > loginsBefore && w.fake.connected, 10_000, 'the reconnect');

    // WeCom delivers m3's press again (same msgid): counted once, and the card is brought up to date.
    const again = w.fake.redeliver(lost);
    await w.fake.waitFor(() => w.fake.frames.some((f) => f.reqId === again.reqId), 10_000, 'the re-delivered press');
    await w.settle();
    expect(frameText(w.fake.frames.find((f) => f.reqId === again.reqId)!)).toMatch(/同意 2 · 反对 1/);
    // Presses after the reconnect count as usual; m2 changes the vote.
    await w.press(members[3]!, GROUP, key(3), card.task_id);
    await w.press(members[1]!, GROUP, key(1), card.task_id);

    const rows = await w.database.db.select().from(s.ballots).where(eq(s.ballots.pollId, pollId));
    expect(rows.map((b) => b.choice).sort()).toEqual([1, 1, 1, 3]);
    const closed = await w.say(staff, '/close 1', GROUP);
    expect(closed.text).toMatch(/同意\s*3/);
    expect(closed.text).toMatch(/反对\s*0/);
    expect(closed.text).toMatch(/弃权\s*1/);
  });

  it('sends a reply whose socket dropped once, proactively after the reconnect, and not again when WeCom re-delivers the command', async () => {
    w.fake.swallowFrames('aibot_respond_msg');
    const said = w.fake.text(members[0]!, '/suggest 电梯按钮失灵', GROUP);
    await sleep(300);
    w.fake.drop();
    w.fake.swallowNone();
    await w.fake.waitConnected();
    const reply = await w.fake.waitFor(() => w.fake.delivered('aibot_send_msg').find((f) => f.body.chatid === GROUP && frameText(f).includes('#2')), 15_000, 'the reply after the reconnect');
    expect(reply.body.msgtype).toBe('markdown');
    const again = w.fake.redeliver(said);
    await sleep(300);
    await w.settle();
    expect(w.fake.frames.filter((f) => f.reqId === again.reqId)).toEqual([]);
    expect(w.fake.delivered().filter((f) => frameText(f).includes('#2'))).toHaveLength(1);
    expect(await w.database.db.select().from(s.suggestions).where(eq(s.suggestions.text, '电梯按钮失灵'))).toHaveLength(1);
  });
});

describe("the jobs' send queue through the 'wecom' sender", () => {
  beforeAll(async () => {
    jobs = await startJobs(w.deps, { prefix: uniqueName('wecom-jobs'), limits: { wecom: { perChat: [], global: [] } }, sendBackoffMs: 100 });
  });
  const outbox = async (key: string) => (await w.database.db.select().from(s.outboundMessages).where(eq(s.outboundMessages.dedupeKey, key)))[0];

  it('holds messages while WeCom is unreachable and sends each exactly once after the reconnect, in order', async () => {
    w.fake.refusing = true;
    w.fake.drop();
    await w.fake.waitFor(() => !w.bot.channel.isUp || undefined, 5000, 'the bot to notice');
    const keys = [1, 2, 3].map((i) => uniqueName(`down-${i}`));
    await jobs!.queueMessages(keys.map((dedupeKey, i) => ({ platform: 'wecom' as const, platformChatId: GROUP, dedupeKey, payload: { text: `提醒 ${i + 1}：明晚七点议事会` } })));
    await sleep(1500);
    expect(w.fake.delivered('aibot_send_msg').filter((f) => frameText(f).includes('明晚七点'))).toEqual([]);
    w.fake.refusing = false;
    for (const key of keys) await w.fake.waitFor(() => w.fake.delivered('aibot_send_msg').some((f) => frameText(f).startsWith(`提醒 ${keys.indexOf(key) + 1}`)), 20_000, key);
    await sleep(500);
    const sent = w.fake.delivered('aibot_send_msg').filter((f) => frameText(f).includes('明晚七点'));
    expect(sent.map(frameText)).toEqual(['提醒 1：明晚七点议事会', '提醒 2：明晚七点议事会', '提醒 3：明晚七点议事会']);
    expect(sent.every((f) => f.body.chatid === GROUP && f.body.msgtype === 'markdown')).toBe(true);
    for (const key of keys) expect((await outbox(key))?.status).toBe('sent');
  });

  it('sends again a message whose frame died with the socket, so nothing in the outbox is lost', async () => {
    w.fake.swallowFrames('aibot_send_msg');
    const key = uniqueName('swallowed');
    await jobs!.queueMessages([{ platform: 'wecom', platformChatId: GROUP, dedupeKey: key, payload: { text: '结果：同意 3 · 反对 0 · 弃权 1' } }]);
    await sleep(500);
    w.fake.drop();
    w.fake.swallowNone();
    await w.fake.waitFor(() => w.fake.delivered('aibot_send_msg').some((f) => frameText(f).startsWith('结果：')), 20_000, 'the message after the reconnect');
    await sleep(500);
    expect(w.fake.delivered('aibot_send_msg').filter((f) => frameText(f).startsWith('结果：'))).toHaveLength(1);
    expect((await outbox(key))?.status).toBe('sent');
  });

  it('waits out a rate-limit answer (45009) and then delivers exactly once', async () => {
    w.fake.failNext('aibot_send_msg', 45009);
    const key = uniqueName('limited');
    await jobs!.queueMessages([{ platform: 'wecom', platformChatId: GROUP, dedupeKey: key, payload: { text: '限流后送达' } }]);
    await w.fake.waitFor(() => w.fake.delivered('aibot_send_msg').some((f) => frameText(f) === '限流后送达'), 20_000, 'the delivery');
    await sleep(500);
    const tries = w.fake.frames.filter((f) => f.cmd === 'aibot_send_msg' && frameText(f) === '限流后送达');
    expect(tries.map((f) => f.errcode)).toEqual([45009, 0]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(350);
    expect((await outbox(key))?.status).toBe('sent');
  });

  it('maps WeCom answers for the queue: 45009 and 45033 are rate limits, a refused chat is permanent, a ballot goes as a card', async () => {
    const send = (text: string) => w.bot.sender.send({ platform: 'wecom', platformChatId: GROUP, text });
    w.fake.failNext('aibot_send_msg', 45033, 1, 'api concurrent out of limit');
    await expect(send('a')).rejects.toBeInstanceOf(RateLimitedError);
    w.fake.failNext('aibot_send_msg', 93006, 1, 'invalid chatid');
    await expect(send('b')).rejects.toBeInstanceOf(PermanentSendError);
    const sent = await w.bot.sender.send({ platform: 'wecom', platformChatId: GROUP, text: '#9 表决：测试\n当前：同意 0', buttons: [[{ label: '同意', data: 'v:999:1' }]], pollId: 999 });
    expect(sent.messageId).toMatch(/^yishi-999-/);
    const last = w.fake.delivered('aibot_send_msg').at(-1)!;
    expect(cardOf(last)).toMatchObject({ card_type: 'button_interaction', task_id: sent.messageId, button_list: [{ text: '同意', key: 'v:999:1' }] });
  });
});
