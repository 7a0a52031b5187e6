/** Result pictures and 公示 notices: drawn by the core, sent by Telegram after the text (sendPhoto / sendDocument). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramSender } from '../../bots/telegram/sender.js';
import type { Database } from '../../src/db/client.js';
import { silentLogger } from '../../src/lib/logger.js';
import { fixtures, startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { freshDatabase, tempDir } from '../support/services.js';
import { grantStaff, makeWorld, say, uid, type World } from '../core/helpers.js';

let database: Database;
let fake: FakeBotApi;
beforeAll(async () => {
  database = await freshDatabase();
  fake = await startFakeBotApi();
});
afterAll(async () => {
  await fake?.close();
  await database?.close();
});

async function closedVote(w: World): Promise<number> {
  await say(w, 'ann', '/suggest 东门路灯坏了');
  await say(w, 'staff', '/poll 1');
  for (const who of ['ann', 'bo', 'cy']) await say(w, who, '/vote 1 1');
  await say(w, 'dee', '/vote 1 3');
  const out = await say(w, 'staff', '/close 1');
  // The result carries its picture; it is not the ballot, so it carries no pollId of its own.
  const attachment = out.replies[0]!.attachment as { kind: string; pollId: number };
  expect(attachment).toEqual({ kind: 'poll-chart', pollId: expect.any(Number) });
  expect(out.replies[0]!.pollId).toBeUndefined();
  return attachment.pollId;
}

const pngSize = (b: Buffer) => [b.readUInt32BE(16), b.readUInt32BE(20)];

describe('result pictures and notices', () => {
  it('sends the result text and then its picture with sendPhoto; the text still goes when the picture fails', async () => {
    const w = await makeWorld(database);
    const pollId = await closedVote(w);
    const group = fixtures.group(-1009000000001);
    fake.addChat(group);
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    const sender = telegramSender(api, silentLogger, undefined, (a) => w.core.renderAttachment!(a));
    await sender.send({ platform: 'telegram', platformChatId: String(group.id), text: '#1 表决结果：同意 3 · 反对 0 · 弃权 1', attachment: { kind: 'poll-chart', pollId } });
    expect(fake.botMessages(group.id).at(-1)!.text).toContain('同意 3');
    const photo = fake.files.at(-1)!;
    expect(photo.method).toBe('sendPhoto');
    expect(photo.caption).toContain('同意 3');
    expect(pngSize(photo.bytes)).toEqual([640, 360]);

    const broken = telegramSender(api, silentLogger, undefined, async () => {
      throw new Error('no font');
    });
    const files = fake.files.length;
    await broken.send({ platform: 'telegram', platformChatId: String(group.id), text: '#1 表决结果：同意 3', attachment: { kind: 'poll-chart', pollId } });
    expect(fake.botMessages(group.id).at(-1)!.text).toBe('#1 表决结果：同意 3');
    expect(fake.files.length).toBe(files);
  });

  it('/notice <n> privately answers staff with the 公示 PDF carrying the counts', async () => {
    const w = await makeWorld(database);
    await closedVote(w);
    const out = await w.core.handle({
      platform: 'telegram',
      chat: { platformChatId: `p-${uid(w, 'staff')}`, kind: 'private' },
      sender: { platformUserId: uid(w, 'staff'), displayName: 'staff' },
      text: '/公示 1',
    });
    const reply = out.replies[0]!;
    expect(reply.attachment).toMatchObject({ kind: 'notice' });
    const file = await w.core.renderAttachment!(reply.attachment!);
    expect(file!.mime).toBe('application/pdf');
    const pdf = path.join(tempDir(), 'notice.pdf');
    fs.writeFileSync(pdf, file!.bytes);
    const text = execFileSync('pdftotext', [pdf, '-']).toString('utf8').replace(/\s+/g, ' ');
    expect(text).toContain('同意 3 反对 0 弃权 1');
    expect(text).toContain('测试社区');

    const group = fixtures.privateChat(fixtures.user(777, '社工'));
    fake.startUser(777);
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    await telegramSender(api, silentLogger, undefined, (a) => w.core.renderAttachment!(a)).send({ platform: 'telegram', platformChatId: String(group.id), text: reply.text, attachment: reply.attachment });
    expect(fake.files.at(-1)).toMatchObject({ method: 'sendDocument', chat_id: 777 });

    // A resident gets no notice; a group gets told to ask privately.
    await say(w, 'bo', '/help');
    const resident = await w.core.handle({ platform: 'telegram', chat: { platformChatId: `p-${uid(w, 'bo')}`, kind: 'private' }, sender: { platformUserId: uid(w, 'bo'), displayName: 'bo' }, text: '/notice 1' });
    expect(resident.errorCode).toBe('NOT_STAFF');
    const inGroup = await say(w, 'staff', '/web');
    expect(inGroup.errorCode).toBe('PRIVATE_ONLY');
    await grantStaff(w, 'bo');
  });
});
