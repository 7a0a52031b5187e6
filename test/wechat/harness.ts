/** A mock WeChat around the adapter: wechaty-puppet-mock is the fake wire, everything else is real. */
import { randomUUID } from 'node:crypto';
import { types } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { AppDeps } from '../../src/core/app-types.js';
import type { Outcome } from '../../src/kernel/types.js';
import { createWechatBot, type WechatBot } from '../../bots/wechat/index.js';

type ContactMock = ReturnType<mock.Mocker['createContact']>;
type RoomMock = ReturnType<mock.Mocker['createRoom']>;
export type { ContactMock, RoomMock };

export interface BotMessage {
  text: string;
  /** The room it went to, or undefined for a private message. */
  roomId?: string;
  /** The contact a private message went to. */
  toContactId?: string;
}

export interface MockWechat {
  mocker: mock.Mocker;
  bot: WechatBot;
  self: ContactMock;
  contact(name: string, extra?: { friend?: boolean }): ContactMock;
  room(topic: string, members: ContactMock[]): RoomMock;
  /**
   * `who` says `text` in `where` (a room or, for a private message, the bot itself); resolves when the
   * adapter has handled it and sent every reply, with the outcome and what the bot sent meanwhile.
   */
  say(who: ContactMock, text: string, where: RoomMock | 'private', mentions?: ContactMock[]): Promise<{ id: string; outcome: Outcome | undefined; sent: BotMessage[] }>;
  /** The puppet delivers an earlier message again (as puppets do after a reconnect). */
  redeliver(id: string): Promise<{ outcome: Outcome | undefined; sent: BotMessage[] }>;
  /** `who` posts an image in `room` (the adapter never hands it to the core). */
  postImage(who: ContactMock, room: RoomMock): void;
  puppet: PuppetMock;
  /** Everything the bot has sent so far. */
  sent(): BotMessage[];
  stop(): Promise<void>;
}

export async function startMockWechat(deps: AppDeps, opts: { sendIntervalMs?: number; botName?: string } = {}): Promise<MockWechat> {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const self = mocker.createContact({ name: opts.botName ?? '议事' });
  const waiters = new Map<string, (o: Outcome | undefined) => void>();
  const handled = new Map<string, Outcome | undefined>();
  const bot = createWechatBot(deps, {
    puppet,
    sendIntervalMs: opts.sendIntervalMs ?? 2,
    globalIntervalMs: 0,
    retryBaseMs: 5,
    onHandled: (id, outcome) => {
      handled.set(id, outcome);
      waiters.get(id)?.(outcome);
    },
  });
  function waitHandled(id: string, what: string): Promise<Outcome | undefined> {
    return new Promise<Outcome | undefined>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} was not handled`)), 15_000);
      waiters.set(id, (o) => { waiters.delete(id); clearTimeout(timer); resolve(o); });
    });
  }
  const handledOnce = (id: string, text: string) => (handled.has(id) ? Promise.resolve(handled.get(id)) : waitHandled(id, `message ${JSON.stringify(text)}`));
  const loggedIn = bot.loggedIn();
  await bot.start();
  mocker.login(self);
  await loggedIn;

  const sent = (): BotMessage[] =>
    [...mocker.cacheMessagePayload.values()]
      .filter((m) => m.talkerId === self.id)
      .map((m) => ({ text: m.text ?? '', roomId: m.roomId || undefined, toContactId: m.roomId ? undefined : m.listenerId }));

  return {
    mocker,
    bot,
    self,
    contact: (name, extra = {}) => mocker.createContact({ name, friend: extra.friend ?? true }),
    room: (topic, members) => mocker.createRoom({ topic, memberIdList: [self.id, ...members.map((m) => m.id)] }),
    async say(who, text, where, mentions = []) {
      const before = sent().length;
      who.say(text, mentions).to(where === 'private' ? self : where);
      const ids = [...mocker.cacheMessagePayload.keys()];
      const id = ids[ids.length - 1]!;
      const outcome = await handledOnce(id, text);
      await bot.idle();
      return { id, outcome, sent: sent().slice(before) };
    },
    async redeliver(id) {
      const before = sent().length;
      const waiting = waitHandled(id, `redelivered ${id}`);
      puppet.emit('message', { messageId: id });
      const outcome = await waiting;
      await bot.idle();
      return { outcome, sent: sent().slice(before) };
    },
    postImage(who, room) {
      const id = randomUUID();
      mocker.MessageMock.create({ id, talkerId: who.id, roomId: room.id, mentionIdList: [], timestamp: Date.now(), type: types.Message.Image });
      puppet.emit('message', { messageId: id });
    },
    puppet,
    sent,
    stop: () => bot.stop(),
  };
}
