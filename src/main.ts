/**
 * The entry point, and the one place that wires bots/ and jobs/ into the app:
 * - `npm start` (node with the flags in package.json's start script, then this file): the whole app.
 *   With no chat platform configured it runs the console adapter on stdin/stdout and exits 0 at the end
 *   of the input, stopping everything it started.
 * - `npx yishi <command>` (bin/yishi.js calls runAdmin): the admin CLI.
 */
import { fileURLToPath } from 'node:url';
import { startJobs } from '../jobs/index.js';
import { runCli, type SchedulePrinter } from './admin/cli.js';
import { startApp, wantsConsole, type App, type StartOptions, type Wiring } from './app.js';
import { exitOnStartupError, loadConfig, type Config } from './lib/config.js';
import { createLogger, type Level } from './lib/logger.js';
import { describeError } from './services/database.js';

export const wiring: Wiring = {
  startJobs,
  adapters: [
    // Adapters are loaded only when configured: each brings a platform SDK the others do not need.
    { name: 'telegram', configured: (c) => !!c.TELEGRAM_BOT_TOKEN, start: async (d) => (await import('../bots/telegram/index.js')).startTelegram(d) },
    { name: 'wechat', configured: (c) => !!c.WECHATY_PUPPET, start: async (d) => (await import('../bots/wechat/index.js')).startWechat(d) },
    { name: 'wecom', configured: (c) => !!c.WECOM_BOT_ID && !!c.WECOM_BOT_SECRET, start: async (d) => (await import('../bots/wecom/index.js')).startWecom(d) },
    { name: 'wechat-mp', configured: (c) => !!c.WECHAT_MP_APP_ID, start: async (d) => (await import('../bots/wechat-mp/index.js')).startWechatMp(d) },
  ],
};

/** The app as `npm start` composes it (tests start the same). */
export function startYishi(config: Config, opts: Omit<StartOptions, 'wiring'> = {}): Promise<App> {
  return startApp(config, { ...opts, wiring });
}

/** `npx yishi <command>`: the admin CLI with the jobs' schedule printer. */
export function runAdmin(argv: string[]): Promise<number> {
  const printSchedules: SchedulePrinter = async (opts, out) => (await import('../jobs/cli.js')).printSchedules(opts, out);
  return runCli(argv, { stdout: process.stdout, stderr: process.stderr, printSchedules });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    exitOnStartupError(err);
  }

  const consoleMode = wantsConsole(config, wiring);
  // Info lines on stderr would interleave with the console conversation, so the demo is quieter by default.
  const level: Level = process.env.YISHI_LOG_LEVEL ? config.YISHI_LOG_LEVEL : consoleMode ? 'warn' : config.YISHI_LOG_LEVEL;
  const logger = createLogger(level);

  let app: App | undefined;
  // A signal during start-up is honoured once start-up is done, so nothing it started is orphaned.
  let signalledDuringStart: string | undefined;

  let exiting = false;
  async function shutdown(code: number, why: string): Promise<never> {
    if (!app) {
      // A second signal means start-up itself hangs: give up at once.
      if (signalledDuringStart) process.exit(1);
      signalledDuringStart = why;
      return new Promise<never>(() => {});
    }
    if (!exiting) {
      exiting = true;
      logger.info('stopping', { why });
      // A stuck adapter must not keep the process (and its redis-server child) alive forever.
      const force = setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(code || 1);
      }, 20000);
      force.unref();
      try {
        await app.stop();
      } catch (err) {
        logger.error('shutdown failed', { err: describeError(err) });
      }
      process.exit(code);
    }
    return new Promise<never>(() => {});
  }

  process.on('SIGINT', () => void shutdown(0, 'SIGINT'));
  process.on('SIGTERM', () => void shutdown(0, 'SIGTERM'));
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { err: describeError(err) }));

  try {
    // The console demo serves the web pages on 127.0.0.1 too (another free port when 8080 is taken and none was asked for).
    app = await startYishi(config, { logger, ...(consoleMode ? { web: true, webFreePortIfTaken: !process.env.YISHI_WEB_PORT?.trim() } : {}) });
  } catch (err) {
    const line = describeError(err);
    exitOnStartupError(new Error(line.startsWith('yishi:') ? line : `yishi: cannot start: ${line}`));
  }
  if (signalledDuringStart) await shutdown(0, signalledDuringStart);

  if (app.adapters.length) {
    logger.info('yishi running', { adapters: app.adapters, database: app.deps.database.kind });
    return;
  }
  try {
    const { runConsole } = await import('../bots/console/index.js');
    await runConsole(app.deps, { input: process.stdin, output: process.stdout });
  } catch (err) {
    logger.error('console adapter failed', { err: describeError(err) });
    await shutdown(1, 'console failure');
  }
  await shutdown(0, 'end of input');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])) await main();
