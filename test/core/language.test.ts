import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import { makeWorld, replyText, say } from './helpers.js';

describe('replies in the writer’s language', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('shows a refusal’s example in Chinese by default and in English to an English speaker', async () => {
    const w = await makeWorld(database);
    const zh = await say(w, '张三', '/suggest');
    expect(zh.errorCode).toBe('EMPTY_TEXT');
    expect(replyText(zh)).toContain('提议 东门路灯坏了');
    const en = await say(w, 'Ann', '/suggest', { sender: { platformUserId: `ann-${w.slug}`, displayName: 'Ann', lang: 'en' } });
    expect(en.errorCode).toBe('EMPTY_TEXT');
    expect(replyText(en)).toContain('/suggest The street light');
    expect(replyText(en)).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('lists the rating choices in the refusal of a /rate without a choice, in the writer’s language', async () => {
    const w = await makeWorld(database);
    await say(w, '张三', '/suggest 修路灯');
    const en = await say(w, 'Ann', '/rate 1', { sender: { platformUserId: `ann-${w.slug}`, displayName: 'Ann', lang: 'en' } });
    expect(en.errorCode).toBe('BAD_CHOICE');
    expect(replyText(en)).toContain('satisfied');
  });
});
