import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDatabaseUrl, tempDir } from '../support/services.js';
import { cleanEnv, root, runFile } from '../admin/run.js';
import { appNodeFlags } from '../fault/app-process.js';

const main = path.join(root, 'src/main.ts');

/** redis-server processes whose working directory (its --dir) is `dir`. */
function redisServersIn(dir: string): number[] {
  const found: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('redis-server') && fs.realpathSync(`/proc/${pid}/cwd`) === fs.realpathSync(dir)) found.push(Number(pid));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

describe('npm start with no adapter configured: the console demo', () => {
  it('runs a piped script on the embedded PGlite and redis-server, exits 0, stops redis, keeps the data', async () => {
    const dataDir = tempDir();
    const env = { YISHI_DATA_DIR: dataDir };
    const first = await runFile(main, [], env, { execArgv: appNodeFlags(), input: '/as 张三\n/suggest 东门路灯坏了\n' });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('#1');
    expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(true);
    expect(redisServersIn(path.join(dataDir, 'redis'))).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'pglite.pid'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'redis', 'yishi-redis.json'))).toBe(false);

    // A restart on the same data numbers on from where it stopped.
    const second = await runFile(main, [], env, { execArgv: appNodeFlags(), input: '/as 李四\n/suggest 西门积水\n' });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('#2');
    expect(redisServersIn(path.join(dataDir, 'redis'))).toEqual([]);
  }, 240_000);

  it('stops everything and exits 0 on SIGTERM while waiting for input', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, [...appNodeFlags(), main], {
      cwd: root,
      env: cleanEnv({ YISHI_DATA_DIR: dataDir, DATABASE_URL: await freshDatabaseUrl() }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      child.stdin.write('/suggest 路灯\n');
      const deadline = Date.now() + 90_000;
      while (!stdout.includes('#1') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
      expect(stdout).toContain('#1');
      expect(redisServersIn(path.join(dataDir, 'redis'))).toHaveLength(1);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
      expect(redisServersIn(path.join(dataDir, 'redis'))).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      // If the app failed to stop its redis-server, do not leave it running after the test.
      for (const pid of redisServersIn(path.join(dataDir, 'redis'))) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);
});
