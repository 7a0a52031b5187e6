/** Spawns the real `yishi` launcher (bin/yishi.js) as a user would, with a controlled environment. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const launcher = path.join(root, 'bin/yishi.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a clean shell: none of the app's variables leak in from the test runner. */
export function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(DATABASE_URL|REDIS_URL|YISHI_|TELEGRAM_|WECHATY_|VITEST|NODE_OPTIONS)/.test(k)) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function runFile(file: string, args: string[], env: Record<string, string | undefined>, opts: { cwd?: string; input?: string; execArgv?: string[] } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [...(opts.execArgv ?? []), file, ...args],
      { cwd: opts.cwd ?? root, env: cleanEnv(env), timeout: 90_000, maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof (err as { code?: unknown }).code !== 'number') return reject(err);
        resolve({ code: err ? Number((err as { code: number }).code) : 0, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** `yishi <args>` from a cwd outside the project, as the launcher must work from anywhere. */
export const yishi = (args: string[], env: Record<string, string | undefined>, cwd?: string) => runFile(launcher, args, env, { cwd });

export const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

/** Runs the CLI in this process (same code as the launcher runs), for the many argument-checking cases. */
export async function runInProcess(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const { runCli } = await import('../../src/admin/cli.js');
  const { printSchedules } = await import('../../jobs/cli.js');
  const { Writable } = await import('node:stream');
  const sink = () => {
    let text = '';
    const stream = new Writable({ write(chunk, _enc, cb) { text += String(chunk); cb(); } });
    return { stream, text: () => text };
  };
  const out = sink();
  const err = sink();
  const code = await runCli(args, { stdout: out.stream, stderr: err.stream, env: cleanEnv(env), printSchedules });
  return { code, stdout: out.text(), stderr: err.text() };
}
