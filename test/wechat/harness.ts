/** A mock WeChat around the adapter: wechaty-puppet-mock is the fake wire, everything else is real. */
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { AppDeps } from '../../src/app-types.js';
import type { Outcome } from '../../src/commands/types.js';
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
  say(who: ContactMock, text: string, where: RoomMock | 'private', mentions?: ContactMock[]): Promise<{ outcome: Outcome | undefined; sent: BotMessage[] }>;
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
      const outcome = handled.has(id)
        ? handled.get(id)
        : await new Promise<Outcome | undefined>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`message ${JSON.stringify(text)} was not handled`)), 15_000);
            waiters.set(id, (o) => { clearTimeout(timer); resolve(o); });
          });
      await bot.idle();
      return { outcome, sent: sent().slice(before) };
    },
    sent,
    stop: () => bot.stop(),
  };
}
