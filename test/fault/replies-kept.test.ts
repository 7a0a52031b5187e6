/**
 * A reply still queued when the process is killed: the command is stored and acknowledged, its reply
 * waits in the group's lane (Telegram answered 429 with a long retry_after), the process gets SIGKILL.
 * The next process sends that reply, once; replies that went out before are not sent again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, resident, startStack, type Stack } from './stack.js';

describe('a reply queued when the process is killed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is sent once by the next process, and nothing sent before is sent again', { timeout: 120_000 }, async () => {
    const { fake, sql } = stack;
    await stack.start();
    const sentText = (needle: string) => fake.callsOf('sendMessage').filter((c) => c.ok && String(c.payload.text).includes(needle));

    // A first command answered normally: it is marked delivered and never sent again.
    fake.sendText(GROUP, resident(1), '/show 1');
    await fake.waitFor(() => sentText('楼道加装声控灯').length === 1, 20000, 'the first answer');

    // The group's budget is spent for a minute: the next answer waits in its lane.
    fake.failNext({ method: 'sendMessage', errorCode: 429, description: 'Too Many Requests: retry after 60', retryAfter: 60, when: (p) => Number(p.chat_id) === GROUP.id });
    fake.sendText(GROUP, resident(2), '/suggest 单元门口加装雨棚');
    await fake.waitFor(() => fake.callsOf('sendMessage').some((c) => !c.ok && c.errorCode === 429) && fake.pendingUpdates().length === 0, 20000, 'the answer refused 429 and its update acknowledged');
    const [{ n: waiting }] = await sql`select count(*)::int as n from processed_updates where delivery is not null and delivered_at is null`;
    expect(waiting, 'the queued answer is kept with its update').toBe(1);
    expect(sentText('单元门口加装雨棚')).toHaveLength(0);

    const killed = await stack.app!.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    await stack.start();

    await fake.waitFor(() => sentText('单元门口加装雨棚').length === 1, 30000, 'the kept answer sent by the next process');
    // Give a second copy every chance to show up: none does, and the first answer stays single.
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentText('单元门口加装雨棚')).toHaveLength(1);
    expect(sentText('楼道加装声控灯').filter((c) => !String(c.payload.text).includes('单元门口'))).toHaveLength(1);
    const [{ n: left }] = await sql`select count(*)::int as n from processed_updates where delivery is not null and delivered_at is null`;
    expect(left).toBe(0);
    // The update itself ran once: one suggestion.
    const [{ n: suggestions }] = await sql`select count(*)::int as n from suggestions where text = '单元门口加装雨棚'`;
    expect(suggestions).toBe(1);
  });
});
