/**
 * `npm start`: the whole app. With no chat platform configured it runs the console adapter on
 * stdin/stdout and exits 0 at the end of the input, stopping everything it started.
 */
import { exitOnStartupError, loadConfig, type Config } from './config.js';
import { createLogger, type Level } from './logger.js';
import { describeError } from './services/database.js';

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  exitOnStartupError(err);
}

const consoleMode = !config.TELEGRAM_BOT_TOKEN && !config.WECHATY_PUPPET;
// Info lines on stderr would interleave with the console conversation, so the demo is quieter by default.
const level: Level = process.env.YISHI_LOG_LEVEL ? config.YISHI_LOG_LEVEL : consoleMode ? 'warn' : config.YISHI_LOG_LEVEL;
const logger = createLogger(level);

const { startApp } = await import('./app.js');
let app: Awaited<ReturnType<typeof startApp>> | undefined;
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
  app = await startApp(config, { logger });
} catch (err) {
  const line = describeError(err);
  exitOnStartupError(new Error(line.startsWith('yishi:') ? line : `yishi: cannot start: ${line}`));
}
if (signalledDuringStart) await shutdown(0, signalledDuringStart);

if (app.adapters.length) {
  logger.info('yishi running', { adapters: app.adapters, database: app.deps.database.kind });
} else {
  const { runConsole } = await import('../bots/console/index.js');
  try {
    await runConsole(app.deps, { input: process.stdin, output: process.stdout });
  } catch (err) {
    logger.error('console adapter failed', { err: describeError(err) });
    await shutdown(1, 'console failure');
  }
  await shutdown(0, 'end of input');
}
