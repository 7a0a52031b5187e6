/**
 * The tests' fake WeCom server on a fixed port, for trying `npm start` by hand:
 *   npx tsx test/support/fake-wecom-server.ts 8790
 *   WECOM_BOT_ID=bot-yishi WECOM_BOT_SECRET=secret-yishi WECOM_WS_URL=ws://127.0.0.1:8790 npm start
 * Then type lines on this script's stdin: `<userid> <chatid or -> <text>` sends a message (`-`: a direct
 * chat); `press <userid> <chatid> <key> <task_id>` presses a card button. Every frame the bot sends is
 * printed as one JSON line.
 */
import readline from 'node:readline';
import { FakeWecom, frameText } from './fake-wecom.js';

const port = Number(process.argv[2] ?? 8790);
const fake = await FakeWecom.start({ port });
process.stdout.write(`fake WeCom listening on ${fake.url} (bot id bot-yishi, secret secret-yishi)\n`);
let shown = 0;
setInterval(() => {
  for (const f of fake.frames.slice(shown)) {
    const card = f.body?.template_card;
    process.stdout.write(JSON.stringify({ cmd: f.cmd, to: f.body?.chatid, text: frameText(f), buttons: card?.button_list, task_id: card?.task_id, userids: f.body?.userids }) + '\n');
  }
  shown = fake.frames.length;
}, 100).unref();
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const parts = line.trim().split(/\s+/);
  try {
    if (parts[0] === 'press') fake.press({ userid: parts[1]! }, parts[2] === '-' ? undefined : parts[2], parts[3]!, parts[4]!);
    else if (parts.length >= 3) fake.text({ userid: parts[0]! }, parts.slice(2).join(' '), parts[1] === '-' ? undefined : parts[1]);
  } catch (err) {
    process.stdout.write(`! ${(err as Error).message}\n`);
  }
});
rl.on('close', () => void setTimeout(() => fake.close().then(() => process.exit(0)), 1500));
