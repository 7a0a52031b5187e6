import path from 'node:path';
import { z } from 'zod';

/** True when `tz` is an IANA time zone this Node knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const optionalUrl = (protocols: string[], what: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine(
      (v) => {
        if (v === undefined) return true;
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `must be a ${what} URL (${protocols.map((p) => p + '//…').join(' or ')})` },
    );

const blankToUndefined = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** The runtime contract of DESIGN.md, one zod schema for every variable. */
export const envSchema = z.object({
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:'], 'Postgres'),
  REDIS_URL: optionalUrl(['redis:', 'rediss:'], 'Redis'),
  YISHI_DATA_DIR: blankToUndefined.transform((v) => path.resolve(v ?? './data')),
  TELEGRAM_BOT_TOKEN: blankToUndefined.refine((v) => v === undefined || /^\d+:[\w-]{20,}$/.test(v), {
    message: 'must look like 123456:ABC-DEF… (the token @BotFather gave you)',
  }),
  TELEGRAM_API_ROOT: optionalUrl(['http:', 'https:'], 'HTTP(S)').transform((v) => (v ?? 'https://api.telegram.org').replace(/\/+$/, '')),
  TELEGRAM_WEBHOOK_URL: optionalUrl(['https:', 'http:'], 'HTTPS'),
  TELEGRAM_WEBHOOK_SECRET: blankToUndefined.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v), {
    message: 'must be 1-256 characters of A-Z a-z 0-9 _ -',
  }),
  TELEGRAM_WEBHOOK_PORT: blankToUndefined
    .refine((v) => v === undefined || (/^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535), { message: 'must be a port number 1-65535' })
    .transform((v) => (v === undefined ? undefined : Number(v))),
  WECHATY_PUPPET: blankToUndefined,
  WECOM_BOT_ID: blankToUndefined,
  WECOM_BOT_SECRET: blankToUndefined,
  WECOM_WS_URL: optionalUrl(['wss:', 'ws:'], 'WebSocket'),
  YISHI_TZ: blankToUndefined
    .transform((v) => v ?? 'Asia/Shanghai')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Asia/Shanghai' }),
  YISHI_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** The staff web page: port 0 takes a free port (tests, several apps on one machine). */
  YISHI_WEB_PORT: blankToUndefined
    .refine((v) => v === undefined || (/^\d{1,5}$/.test(v) && Number(v) <= 65535), { message: 'must be a port number 0-65535' })
    .transform((v) => (v === undefined ? 8080 : Number(v))),
  YISHI_WEB_HOST: blankToUndefined
    .refine((v) => v === undefined || /^[A-Za-z0-9.:\-\[\]]+$/.test(v), { message: 'must be a host name or IP address such as 127.0.0.1' })
    .transform((v) => v ?? '127.0.0.1'),
  /** The page's public base URL in the links the bot sends; unset: http://<host>:<port> (see webUrlOf). */
  YISHI_WEB_URL: optionalUrl(['http:', 'https:'], 'HTTP(S)').transform((v) => v?.replace(/\/+$/, '')),
  /** /metrics on the web port answers only `Authorization: Bearer <token>`; unset: /metrics is off. */
  YISHI_METRICS_TOKEN: blankToUndefined.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
  /** Reverse proxies in front of the web port: the client address comes from X-Forwarded-For through this many hops; 0: the socket's. */
  YISHI_TRUST_PROXY: blankToUndefined
    .refine((v) => v === undefined || /^\d{1,2}$/.test(v), { message: 'must be the number of reverse proxies in front of the web port, 0-99' })
    .transform((v) => (v === undefined ? 0 : Number(v))),
});

export type Config = z.infer<typeof envSchema>;

/** The web page's public base URL: YISHI_WEB_URL, else http://<host>:<port> (`port`: the one actually bound). */
export function webUrlOf(config: Pick<Config, 'YISHI_WEB_URL' | 'YISHI_WEB_HOST' | 'YISHI_WEB_PORT'>, port = config.YISHI_WEB_PORT): string {
  if (config.YISHI_WEB_URL) return config.YISHI_WEB_URL;
  const host = config.YISHI_WEB_HOST.includes(':') && !config.YISHI_WEB_HOST.startsWith('[') ? `[${config.YISHI_WEB_HOST}]` : config.YISHI_WEB_HOST;
  return `http://${host}:${port}`;
}

export class ConfigError extends Error {}

/** Parses the environment once; a bad value becomes one readable ConfigError line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.join('.') || 'environment';
    const value = typeof env[name] === 'string' ? ` (got ${JSON.stringify(String(env[name]).slice(0, 60))})` : '';
    throw new ConfigError(`yishi: invalid ${name}${value}: ${issue.message}`);
  }
  // The WeCom smart bot needs both its id and its secret: one without the other is a typo, not "off".
  if (!parsed.data.WECOM_BOT_ID !== !parsed.data.WECOM_BOT_SECRET) {
    const missing = parsed.data.WECOM_BOT_ID ? 'WECOM_BOT_SECRET' : 'WECOM_BOT_ID';
    throw new ConfigError(`yishi: ${missing} is not set: WECOM_BOT_ID and WECOM_BOT_SECRET go together (both or neither)`);
  }
  return parsed.data;
}

/** Prints a ConfigError (or any startup error) as one line and exits 1. */
export function exitOnStartupError(err: unknown): never {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(msg.split('\n')[0] + '\n');
  process.exit(1);
}
