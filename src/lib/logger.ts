/** A small leveled logger writing one line per event to stderr. */
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, ctx?: Record<string, unknown>): void;
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
  child(ctx: Record<string, unknown>): Logger;
}

export function createLogger(level: Level = 'info', base: Record<string, unknown> = {}, out: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const log = (lvl: Exclude<Level, 'silent'>) => (msg: string, ctx?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    const extra = { ...base, ...ctx };
    const tail = Object.keys(extra).length ? ' ' + safeJson(extra) : '';
    out(`${new Date().toISOString()} ${lvl.toUpperCase()} ${msg}${tail}`);
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (ctx) => createLogger(level, { ...base, ...ctx }, out),
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (x instanceof Error ? { name: x.name, message: x.message } : x));
  } catch {
    return '[unserializable]';
  }
}

export const silentLogger: Logger = createLogger('silent');
