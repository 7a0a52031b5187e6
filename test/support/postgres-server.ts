import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from '../../src/services/ports.js';

/** The directory holding initdb and postgres: $PG_BIN, the newest /usr/lib/postgresql/N/bin, or PATH. */
export function findPostgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (which) return path.dirname(which);
  throw new Error('no Postgres server binaries found: apt-get install -y postgresql (or set DATABASE_URL)');
}

/** When we are root, Postgres must run as the `postgres` user. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('running as root but there is no `postgres` user');
  return { uid, gid };
}

export interface PostgresServer {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown); start() brings it back on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data. */
  destroy(): Promise<void>;
}

/** initdb into a temp dir and start postgres on a free loopback port; user `postgres`, trust auth. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const ids = runAs();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-pg-'));
  const dataDir = path.join(base, 'data');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (ids.uid !== undefined) {
    fs.chownSync(base, ids.uid, ids.gid!);
    fs.chownSync(dataDir, ids.uid, ids.gid!);
  }
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
    ...ids,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    let stderr = '';
    child = spawn(
      path.join(bin, 'postgres'),
      ['-D', dataDir, '-p', String(port), '-k', base, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off',
        '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
      { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (d) => { stderr = (stderr + String(d)).slice(-4000); });
    const c = child;
    exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    await Promise.race([
      waitForPort(port, 30000),
      exited.then(() => { throw new Error(`postgres exited at start: ${stderr}`); }),
    ]);
    // The port opens a moment before the server accepts queries.
    for (let i = 0; i < 100; i++) {
      const r = spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { encoding: 'utf8' });
      if (r.status === 0) return;
      await new Promise((r2) => setTimeout(r2, 100));
    }
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGINT'); // fast shutdown
    const timer = setTimeout(() => c.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop,
    start,
    async destroy() {
      await stop();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
