/**
 * The tests' fake Official Account on a fixed port, for trying `npm start` by hand (bind → vote → result):
 *   npx tsx test/support/fake-wechat-mp-server.ts 8791 http://127.0.0.1:8080
 *   WECHAT_MP_APP_ID=wx1234567890abcdef WECHAT_MP_APP_SECRET=fakesecret0123456789abcdef \
 *   WECHAT_MP_TOKEN=yishiMpToken WECHAT_MP_API_ROOT=http://127.0.0.1:8791 YISHI_WEB_PORT=8080 npm start
 *   npx yishi community add xingfu 幸福社区; npx yishi role grant xingfu wechat-mp:oStaff staff
 * (add WECHAT_MP_AES_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG to both for safe mode, and `--safe` here).
 * Then type lines on this script's stdin, as followers of the account:
 *   sub <openid> <scene>     follow by scanning the QR code of <scene> (`xingfu` or `xingfu:east`)
 *   unsub <openid>           unfollow
 *   <openid> <text>          write to the account (`oStaff 发起投票 1`, `oZhang 投票 1 1`)
 * Passive replies and every customer-service or template message the app sends are printed.
 */
import readline from 'node:readline';
import { FakeWechatMp, MP_AES_KEY } from './fake-wechat-mp.js';

const port = Number(process.argv[2] ?? 8791);
const callback = (process.argv[3] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const safe = process.argv.includes('--safe');
const fake = await FakeWechatMp.start(port);
process.stdout.write(`fake Official Account API on ${fake.url}; callbacks to ${callback}/wechat-mp${safe ? ` (safe mode, key ${MP_AES_KEY})` : ''}\n`);
let texts = 0;
let templates = 0;
setInterval(() => {
  for (const t of fake.texts.slice(texts)) process.stdout.write(`→ ${t.openid} (客服消息): ${t.text}\n`);
  for (const t of fake.templates.slice(templates)) process.stdout.write(`→ ${t.openid} (模板消息): ${JSON.stringify(t.data)}\n`);
  texts = fake.texts.length;
  templates = fake.templates.length;
}, 100).unref();
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [first = '', ...rest] = line.trim().split(/\s+/);
  if (!first) return;
  const fields = first === 'sub' ? fake.event(rest[0] ?? '', 'subscribe', rest[1] ? `qrscene_${rest[1]}` : '') : first === 'unsub' ? fake.event(rest[0] ?? '', 'unsubscribe') : fake.text(first, rest.join(' '));
  fake
    .deliver(callback, fields, { safe })
    .then((d) => process.stdout.write(d.reply ? `← ${fields.FromUserName}: ${d.reply.Content}\n` : `(${d.status || 'no answer'} ${d.body})\n`))
    .catch((err) => process.stdout.write(`! ${(err as Error).message}\n`));
});
rl.on('close', () => void setTimeout(() => fake.close().then(() => process.exit(0)), 1500));
