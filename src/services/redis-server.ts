import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from './ports.js';

export const REDIS_INSTALL_HINT = 'apt-get install -y redis-server (or set REDIS_URL)';

export interface EmbeddedRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Finds `redis-server` on PATH (DESIGN: "from PATH"; nothing else is guessed). */
export function findRedisServer(pathEnv: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'redis-server');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Starts redis-server on a free loopback port with its data (AOF on, noeviction) in `dir`.
 * Throws an Error naming the install command when redis-server is absent.
 */
export async function startRedisServer(dir: string, opts: { port?: number } = {}): Promise<EmbeddedRedis> {
  const bin = findRedisServer();
  if (!bin) throw new Error(`yishi: redis-server not found on PATH; install it with: ${REDIS_INSTALL_HINT}`);
  fs.mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const child: ChildProcess = spawn(
    bin,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', path.resolve(dir),
      '--appendonly', 'yes',
      '--maxmemory-policy', 'noeviction',
      '--save', '',
      '--daemonize', 'no',
      '--protected-mode', 'yes',
      '--logfile', '',
      '--loglevel', 'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr += String(d); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort(port, 15000),
      exited.then(() => { throw new Error(`yishi: redis-server exited at start: ${stderr.trim().split('\n').pop() ?? ''}`); }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const INFO_FILE = 'yishi-redis.json';

/** Records where the app's embedded redis-server listens, so `yishi schedules` can reach it. */
export function writeRedisInfo(dir: string, url: string): () => void {
  const file = path.join(dir, INFO_FILE);
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, url }));
  return () => {
    try {
      const info = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
      if (info.pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}

/** The URL of the embedded redis-server of a running app on this data dir, if one is running. */
export function readLiveRedisUrl(dir: string): string | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dir, INFO_FILE), 'utf8')) as { pid?: number; url?: string };
    if (typeof info.pid !== 'number' || typeof info.url !== 'string') return undefined;
    process.kill(info.pid, 0);
    return info.url;
  } catch {
    return undefined;
  }
}
