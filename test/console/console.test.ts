/** The console adapter runs the whole cycle from a script, on a real database. */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../support/services.js';
import type { Database } from '../../src/db/client.js';
import * as s from '../../src/db/schema.js';
import { createCore } from '../../src/core/index.js';
import { SenderRegistry } from '../../src/messaging/port.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runConsole } from '../../bots/console/index.js';
import type { AppDeps } from '../../src/core/app-types.js';
import { WebMounts } from '../../src/lib/web-mounts.js';
import { config } from '../core/helpers.js';

async function run(database: Database, script: string, senders = new SenderRegistry()): Promise<string> {
  const core = createCore({ database, config });
  const deps: AppDeps = { config, database, redisUrl: 'redis://unused', core, logger: silentLogger, senders };
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d) => (text += d.toString()));
  input.end(script);
  await runConsole(deps, { input, output });
  return text;
}

const CYCLE = `
# 王阿姨 raises, three neighbours support
/as 王阿姨
/suggest 东门的路灯坏了，晚上很黑
/as 李叔
/support 1
/as 小张
附议 1
/as 老陈
/support 1
/comment 1 建议换成感应灯
/as 社工小刘 staff
/agenda 1
/poll 1 48h
/as 王阿姨
/vote 1 1
/as 李叔
/vote 1 同意
/as 小张
/vote 1 2
/vote 1 1
/as 社工小刘
/close 1
/progress 1 60 已采购灯具
/done 1
/as 王阿姨
/rate 1 1
/as 李叔
/rate 1 2
/as 社工小刘
/close 1
/show 1
`;

describe('the console adapter', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('runs the whole cycle from a script and resolves at the end of input', async () => {
    const out = await run(database, CYCLE);
    expect(out).toContain('#1');
    expect(out).toContain('3/3');
    expect(out).toContain('1. 同意  2. 反对  3. 弃权');
    expect(out).toContain('/vote 1 <k>');
    expect(out).toContain('同意 3 · 反对 0 · 弃权 0');
    expect(out).toContain('1. 满意  2. 基本满意  3. 不满意');
    expect(out).toContain('满意 1 · 基本满意 1 · 不满意 0');
    expect(out).toContain('[已评价]');
    const [demo] = await database.db.select().from(s.communities).where(eq(s.communities.slug, 'demo'));
    expect(demo).toMatchObject({ name: '示范社区', supportThreshold: 3 });
    const [sug] = await database.db.select().from(s.suggestions).where(eq(s.suggestions.communityId, demo.id));
    expect(sug.stage).toBe('evaluated');
    const created = await database.db.select().from(s.auditLog).where(eq(s.auditLog.action, 'community.created'));
    expect(created).toHaveLength(1);
  });

  it('creates the demo only once and keeps its data across runs', async () => {
    const out = await run(database, '/list\n/as 居民乙\n/stats\n');
    expect(out).toContain('东门的路灯坏了');
    expect(out).toContain('只有社区工作人员可以这样做');
    expect(await database.db.select().from(s.communities).where(eq(s.communities.slug, 'demo'))).toHaveLength(1);
  });

  it('prints what the jobs send to the console chat, with numbered choices', async () => {
    const senders = new SenderRegistry();
    const core = createCore({ database, config });
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d) => (text += d.toString()));
    input.end('');
    await runConsole({ config, database, redisUrl: 'redis://unused', core, logger: silentLogger, senders }, { input, output });
    const sent = await senders.get('console')!.send({
      platform: 'console',
      platformChatId: 'console-demo',
      text: '#2 表决：装充电桩',
      buttons: [[{ label: '同意', data: 'v:9:1' }, { label: '反对', data: 'v:9:2' }]],
    });
    expect(sent.messageId).toMatch(/^console-/);
    expect(text).toContain('#2 表决：装充电桩');
    expect(text).toContain('1. 同意  2. 反对');
    expect(text).toContain('/vote 2 <k>');
  });

  it('says where the web page is and prints working links on /page (议事厅) and /web, privately', async () => {
    const core = createCore({ database, config });
    const deps: AppDeps = { config, database, redisUrl: 'redis://unused', core, logger: silentLogger, senders: new SenderRegistry(), web: new WebMounts() };
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d) => (text += d.toString()));
    input.end('/page\n/web\n/as 社工 staff\n网页\n');
    await runConsole(deps, { input, output });
    expect(text).toMatch(/网页已打开：http:\/\/\S+（工作台） · http:\/\/\S+\/v\/demo/);
    expect(text).toMatch(/\[议事 → 私信 居民甲\] 你的议事厅链接[\s\S]*\/page\/[A-Za-z0-9_-]{20,}/);
    expect(text).toMatch(/\[议事 → 私信 社工\] 网页登录链接[\s\S]*\/signin\/[A-Za-z0-9_-]{20,}/);
    // /web from a resident is refused (staff only), never a link.
    expect(text.match(/\/signin\//g)).toHaveLength(1);
  });
});
