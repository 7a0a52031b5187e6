/** What the admin CLI hands each area's subcommands (src/admin/*-cli.ts): output, the clock, a database. */
import type { Config } from '../lib/config.js';
import type { Database } from '../db/client.js';
import { slugSchema } from '../domain/admin-args.js';

export interface CliCtx {
  out(line: string): void;
  err(line: string): void;
  stdout: NodeJS.WritableStream | { write(s: string): unknown };
  now(): Date;
}

/** Runs a subcommand on the configured database (opened and closed around it); resolves to the exit code. */
export type WithDb<J> = (fn: (database: Database, config: Config, ctx: CliCtx) => Promise<number>) => J;
/** Refuses the arguments: the CLI prints the message and the usage, exit 1. */
export type Bad = (message: string) => never;
export type Values = Record<string, string | boolean | undefined>;

/** The slug argument, or the refusal with the slug rule. */
export function slugOf(v: string | undefined, bad: Bad): string {
  const r = slugSchema.safeParse(v ?? '');
  return r.success ? r.data : bad(r.error.issues[0]?.message ?? 'bad slug');
}
