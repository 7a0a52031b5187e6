/**
 * The real app as a child process, started as `npm start` starts it (`node <flags> src/main.ts`), for the
 * fault suite and the benchmarks: started with a given environment, killed with any signal, its output
 * kept for diagnosis, its resident memory read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The node flags `npm start` gives the app. package.json's start script (`node <flags> src/main.ts`) is
 * their one home: the tests and the benches read them from there, so they run the app as users do.
 */
export function appNodeFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'src/main.ts') throw new Error(`package.json's start script is not "node <flags> src/main.ts": ${pkg.scripts.start}`);
  return words.slice(1, -1);
}

export interface AppProcess {
  child: ChildProcess;
  pid: number;
  /** The last lines the app wrote (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident memory in MiB from /proc/<pid>/status (VmRSS), or undefined once gone. */
  rssMiB(): number | undefined;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the app with `env` added to a clean environment (PATH, HOME kept). */
export function startApp(env: Record<string, string | undefined>, opts: { stdin?: 'ignore' | 'pipe'; nodeArgs?: string[] } = {}): AppProcess {
  // YISHI_WEB_PORT 0: the web page (health, metrics) on a free port, so apps started side by side never collide.
  const clean: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NODE_ENV: 'production', YISHI_WEB_PORT: '0' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...appNodeFlags(), path.join(projectRoot, 'src/main.ts')], {
    cwd: projectRoot,
    env: clean,
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => { out = (out + d.toString('utf8')).slice(-20000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    rssMiB() {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
        return m ? Number(m[1]) / 1024 : undefined;
      } catch {
        return undefined;
      }
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
        const r = await exited;
        clearTimeout(timer);
        return r;
      }
      return exited;
    },
  };
}
