/** The `yishi` admin CLI: parses arguments, runs one admin command against the app's database. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { ConfigError, loadConfig, type Config } from '../lib/config.js';
import type { Database } from '../db/client.js';
import { openConfiguredDatabase } from '../services/database.js';
import { addCouncilUnit, UnitExistsError } from '../council/units.js';
import { readLiveRedisUrl, startRedisServer } from '../services/redis-server.js';
import { addCommunity, requireCommunity, setCommunity } from '../org/communities.js';
import { chatsReport } from './chats.js';
import { AdminError } from '../domain/admin-errors.js';
import { exportSuggestions } from '../reports/export.js';
import { PEOPLE_TABLES, type PeopleTable } from '../reports/tables.js';
import { communityOwnersVotes, ownersVoteJson } from '../owners/standing.js';
import { readImportFile } from './import.js';
import { importData } from '../people/import.js';
import { rotationReport } from './rotation.js';
import { exportForPeople, revokeSessionsCommand, SESSIONS_USAGE } from './web-cli.js';
import { exportAreaIfNode, exportTreeIfNode, ORG_OPTIONS, orgJob } from './org-cli.js';
import { POINTS_OPTIONS, pointsJob } from './points-cli.js';
import { OPERATOR_OPTIONS, OPERATOR_USAGE, operatorJob } from './operator-cli.js';
import { ownerJob } from './owner-cli.js';
import { propertyJob } from './property.js';
import { grantRole, revokeRole } from '../people/roles.js';
import {
  communityNameSchema,
  langSchema,
  parseArg,
  roleSchema,
  satisfactionThresholdSchema,
  answerWithinSchema,
  slugSchema,
  supportThresholdSchema,
  unitNameSchema,
  userRefSchema,
} from '../domain/admin-args.js';

const COMMANDS = {
  community: 'community add <slug> <name> [--support-threshold N] [--satisfaction-threshold 0.6] [--lang zh|en] | community set <slug> [--support-threshold N] [--satisfaction-threshold 0.6] [--answer-within 7d]',
  role: 'role grant|revoke <slug> <platform>:<userId> staff|resident|supervisor',
  council: 'council add <slug> <unit name> [--contact <platform>:<userId>]',
  rotation: 'rotation show <slug>',
  chats: 'chats <slug> (its chats: active, or inactive and why)',
  schedules: 'schedules',
  import: 'import <file.json>',
  export: 'export [<slug>] [--format json|csv|xlsx] [--table items|owners|whistles|points|units|quarters (csv)] [--lang zh|en] [--out <file>] (a district or street: as xlsx its communities side by side, as json the tree as an import file; none: the whole tree)',
  sessions: SESSIONS_USAGE,
  operator: OPERATOR_USAGE,
  org: 'org add <level> <slug> <name> [--parent <slug>] | org move <slug> --parent <slug> | org show [<slug>] | org staff <slug> <platform>:<userId>',
  unit: 'unit add <slug> <name> --kind department|property|owners_committee|company|volunteer|other [--contact <platform>:<userId>]',
  grid: 'grid add <community> <slug> <name> [--worker <platform>:<userId>]',
  stats: 'stats <slug> [--quarter 2026Q4] [--format csv]',
  property: 'property import <slug> <file.csv> | property show <slug>',
  owner: 'owner link <slug> <owner key> <platform>:<userId> | owner code <slug> <owner key> | owner ballots <slug> <n>',
  members: 'members <slug>',
  points: 'points export <slug> [--quarter 2026Q4 | --year 2026] [--units] | points rules <slug> [--register N] [--service N] [--whistle N] [--abandon N] [--grace-hours N] [--ranking-in-group yes|no] [--ranking-top N] | points correct <slug> <member number> --points=<±N> <reason>',
} as const;

export const USAGE = [
  'usage: npx yishi <command>',
  ...Object.values(COMMANDS).map((c) => `  ${c}`),
  'platform: telegram | wechat | console. Uses DATABASE_URL, or the embedded database in $YISHI_DATA_DIR (./data).',
].join('\n');

/** Wrong shape of arguments: the CLI prints the reason and the usage, exit 1. */
class UsageError extends Error {
  constructor(message: string, public readonly command?: keyof typeof COMMANDS) {
    super(message);
  }
}

/** Prints the job schedulers and pending jobs beside what Postgres says they should be (jobs/cli.ts, given by the entry point). */
export type SchedulePrinter = (opts: { config: Config; database: Database; redisUrl: string }, out: NodeJS.WritableStream) => Promise<void>;

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** `yishi schedules` needs it; without it that command says it is not available. */
  printSchedules?: SchedulePrinter;
}

type Options = Record<string, { type: 'string' | 'boolean' }>;

function parse(args: string[], options: Options, command: keyof typeof COMMANDS) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0], command);
  }
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const out = (line: string) => io.stdout.write(line + '\n');
  const err = (line: string) => io.stderr.write(line + '\n');
  try {
    const [command, ...rest] = argv;
    if (command === undefined) throw new UsageError('no command given');
    if (command === '--help' || command === '-h' || command === 'help') {
      out(USAGE);
      return 0;
    }
    if (!(command in COMMANDS)) throw new UsageError(`unknown command "${command}"`);
    const job = prepare(command as keyof typeof COMMANDS, rest);
    const config = loadConfig(io.env ?? process.env);
    return await job(config, { out, err, stdout: io.stdout, now: io.now ?? (() => new Date()), printSchedules: io.printSchedules });
  } catch (e) {
    if (e instanceof UsageError) {
      err(`yishi: ${e.message}`);
      err(e.command ? `usage: npx yishi ${COMMANDS[e.command]}` : USAGE);
      return 1;
    }
    err(oneLine(e));
    return 1;
  }
}

function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split('\n')[0].trim();
  return first.startsWith('yishi:') ? first : `yishi: ${first}`;
}

interface Ctx {
  out(line: string): void;
  err(line: string): void;
  stdout: Writable;
  now(): Date;
  printSchedules?: SchedulePrinter;
}

type Job = (config: Config, ctx: Ctx) => Promise<number>;

/** Validates the arguments before anything touches the environment or the database. */
function prepare(command: keyof typeof COMMANDS, args: string[]): Job {
  const bad = (message: string): never => {
    throw new UsageError(message, command);
  };
  const arg = <T>(schema: Parameters<typeof parseArg<T>>[0], value: unknown): T => {
    try {
      return parseArg(schema, value);
    } catch (e) {
      return bad((e as Error).message);
    }
  };
  switch (command) {
    case 'community': {
      const { values, positionals } = parse(args, { 'support-threshold': { type: 'string' }, 'satisfaction-threshold': { type: 'string' }, lang: { type: 'string' }, 'answer-within': { type: 'string' } }, command);
      const [sub, slug, ...nameParts] = positionals;
      if (sub === 'set') {
        if (!slug || nameParts.length || values.lang !== undefined) bad('expected: community set <slug> [--support-threshold N] [--satisfaction-threshold 0.6] [--answer-within 7d]');
        const settings = {
          supportThreshold: values['support-threshold'] === undefined ? undefined : arg(supportThresholdSchema, values['support-threshold']),
          satisfactionThreshold: values['satisfaction-threshold'] === undefined ? undefined : arg(satisfactionThresholdSchema, values['satisfaction-threshold']),
          answerWithinMinutes: values['answer-within'] === undefined ? undefined : arg(answerWithinSchema, String(values['answer-within'])),
        };
        const s = arg(slugSchema, slug);
        return withDb(async (database, _config, ctx) => {
          ctx.out(await setCommunity(database.db, s, settings));
          return 0;
        });
      }
      if (values['answer-within'] !== undefined) bad('--answer-within goes with community set');
      if (sub !== 'add' || !slug || !nameParts.length) bad('expected: community add <slug> <name>');
      const c = {
        slug: arg(slugSchema, slug),
        name: arg(communityNameSchema, nameParts.join(' ')),
        supportThreshold: values['support-threshold'] === undefined ? undefined : arg(supportThresholdSchema, values['support-threshold']),
        satisfactionThreshold:
          values['satisfaction-threshold'] === undefined ? undefined : arg(satisfactionThresholdSchema, values['satisfaction-threshold']),
        lang: values.lang === undefined ? undefined : arg(langSchema, values.lang),
      };
      return withDb(async (database, _config, ctx) => {
        const row = await addCommunity(database.db, c);
        ctx.out(
          `created community ${row.slug} (${row.name}): support threshold ${row.supportThreshold}, satisfaction threshold ${row.satisfactionThreshold}, language ${row.lang}`,
        );
        return 0;
      });
    }
    case 'role': {
      const { positionals } = parse(args, {}, command);
      const [sub, slug, who, role, ...extra] = positionals;
      if ((sub !== 'grant' && sub !== 'revoke') || !slug || !who || !role || extra.length)
        bad('expected: role grant|revoke <slug> <platform>:<userId> staff|resident|supervisor');
      const s = arg(slugSchema, slug);
      const user = arg(userRefSchema, who);
      const r = arg(roleSchema, role);
      return withDb(async (database, _config, ctx) => {
        const community = await requireCommunity(database.db, s);
        const label = `${user.platform}:${user.platformUserId}`;
        if (sub === 'grant') {
          const change = await grantRole(database.db, community, user, r);
          ctx.out(
            change.before === r
              ? `${label} is already ${r} in ${s}; nothing changed`
              : `granted ${r} in ${s} to ${label} (person #${change.personId}${change.before ? `, was ${change.before}` : ''})`,
          );
        } else {
          const change = await revokeRole(database.db, community, user, r);
          ctx.out(`revoked ${r} in ${s} from ${label}${change.after ? `; now ${change.after}` : '; no role left'}`);
        }
        return 0;
      });
    }
    case 'council': {
      const { values, positionals } = parse(args, { contact: { type: 'string' } }, command);
      const [sub, slug, ...nameParts] = positionals;
      if (sub !== 'add' || !slug || !nameParts.length) bad('expected: council add <slug> <unit name>');
      const s = arg(slugSchema, slug);
      const name = arg(unitNameSchema, nameParts.join(' '));
      const contact = values.contact === undefined ? undefined : arg(userRefSchema, values.contact);
      return withDb(async (database, config, ctx) => {
        const community = await requireCommunity(database.db, s);
        let added;
        try {
          added = await addCouncilUnit(database.db, community.id, { name, contact }, ctx.now(), config.YISHI_TZ);
        } catch (e) {
          if (e instanceof UnitExistsError) throw new AdminError('UNIT_EXISTS', `${s}: ${e.message}`);
          throw e;
        }
        const who = contact ? ` (contact ${contact.platform}:${contact.platformUserId})` : '';
        ctx.out(`added council unit ${name}${who} to ${s} at rotation position ${added.unit.position}`);
        if (added.startedRotation) ctx.out(`the rotation starts in ${added.rotationStart}: ${name} chairs that quarter`);
        return 0;
      });
    }
    case 'rotation': {
      const { positionals } = parse(args, {}, command);
      const [sub, slug, ...extra] = positionals;
      if (sub !== 'show' || !slug || extra.length) bad('expected: rotation show <slug>');
      const s = arg(slugSchema, slug);
      return withDb(async (database, config, ctx) => {
        const community = await requireCommunity(database.db, s);
        for (const line of await rotationReport(database.db, community, ctx.now(), config.YISHI_TZ)) ctx.out(line);
        return 0;
      });
    }
    case 'chats': {
      const { positionals } = parse(args, {}, command);
      if (positionals.length !== 1) bad('expected: chats <slug>');
      const s = arg(slugSchema, positionals[0]);
      return withDb(async (database, _config, ctx) => {
        for (const line of await chatsReport(database.db, s)) ctx.out(line);
        return 0;
      });
    }
    case 'schedules': {
      const { positionals } = parse(args, {}, command);
      if (positionals.length) bad('schedules takes no arguments');
      return schedules;
    }
    case 'import': {
      const { positionals } = parse(args, {}, command);
      if (positionals.length !== 1) bad('expected: import <file.json>');
      const file = path.resolve(positionals[0]);
      return async (config, ctx) => {
        // The file is checked before the database is opened, so a bad file changes nothing.
        const data = readImportFile(file);
        return withDb(async (database, cfg, c) => {
          for (const line of await importData(database.db, data, c.now(), cfg.YISHI_TZ)) c.out(line);
          return 0;
        })(config, ctx);
      };
    }
    case 'sessions': {
      const { positionals } = parse(args, {}, command);
      const [sub, who, ...extra] = positionals;
      if (sub !== 'revoke' || extra.length) bad('expected: sessions revoke [<platform>:<userId>]');
      const user = who === undefined ? undefined : arg(userRefSchema, who);
      return withDb(async (database, _config, ctx) => {
        await revokeSessionsCommand(database, user, ctx.now(), ctx.out);
        return 0;
      });
    }
    case 'operator': {
      const { values, positionals } = parse(args, OPERATOR_OPTIONS, command);
      return operatorJob(positionals, values, bad, withDb);
    }
    case 'property':
      return propertyJob(parse(args, {}, command).positionals, bad, withDb);
    case 'owner':
      return ownerJob(parse(args, {}, command).positionals, bad, withDb);
    case 'members':
    case 'points': {
      const { values, positionals } = parse(args, POINTS_OPTIONS[command], command);
      return pointsJob(command, positionals, values, bad, withDb);
    }
    case 'org':
    case 'unit':
    case 'grid':
    case 'stats': {
      const { values, positionals } = parse(args, ORG_OPTIONS[command], command);
      return orgJob(command, positionals, values, bad, withDb);
    }
    case 'export': {
      const { values, positionals } = parse(args, { format: { type: 'string' }, lang: { type: 'string' }, out: { type: 'string' }, table: { type: 'string' } }, command);
      if (positionals.length > 1) bad('expected: export [<slug>] [--format json|csv|xlsx]');
      const format = String(values.format ?? 'json') as 'json' | 'csv' | 'xlsx';
      if (format !== 'csv' && format !== 'json' && format !== 'xlsx') bad('--format is json, csv or xlsx');
      const table = String(values.table ?? 'items') as PeopleTable;
      if (!PEOPLE_TABLES.includes(table)) bad(`--table is ${PEOPLE_TABLES.join(', ')}`);
      if (values.table !== undefined && format !== 'csv') bad('--table goes with --format csv (the xlsx has every table as a sheet)');
      const lang = String(values.lang ?? 'zh') as 'zh' | 'en';
      if (lang !== 'zh' && lang !== 'en') bad('--lang is zh or en');
      const s = positionals[0] === undefined ? undefined : arg(slugSchema, positionals[0]);
      return withDb(async (database, config, ctx) => {
        if (format !== 'xlsx' && (await exportTreeIfNode(database.db, s, format, ctx))) return 0;
        // A street's or district's xlsx: its communities side by side and their quarters.
        if (format === 'xlsx' && (await exportAreaIfNode(database.db, s, { lang, out: values.out === undefined ? undefined : String(values.out) }, config, ctx))) return 0;
        const community = await requireCommunity(database.db, s!);
        if (format !== 'json') {
          // For people: xlsx, or CSV with a BOM, headers in --lang and local times (YISHI_TZ).
          const n = await exportForPeople(database, community, { format, lang, table, out: values.out === undefined ? undefined : String(values.out) }, config, ctx.stdout, ctx.now());
          ctx.err(`exported ${n} ${table === 'items' ? 'suggestion' : `${table} row`}(s) of ${s} as ${format}${values.out ? ` to ${values.out}` : ''}`);
          return 0;
        }
        const rows = await exportSuggestions(database.db, community);
        const ownersVotes = (await communityOwnersVotes(database.db, community.id)).map(ownersVoteJson);
        ctx.stdout.write(JSON.stringify({ community: { slug: community.slug, name: community.name }, suggestions: rows, ownersVotes }, null, 2) + '\n');
        ctx.err(`exported ${rows.length} suggestion(s) of ${s} as ${format}`);
        return 0;
      });
    }
  }
}

function withDb(fn: (database: Database, config: Config, ctx: Ctx) => Promise<number>): Job {
  return async (config, ctx) => {
    const database = await openConfiguredDatabase(config, { max: 2 });
    try {
      return await fn(database, config, ctx);
    } finally {
      await database.close().catch(() => {});
    }
  };
}

const schedules: Job = async (config, ctx) => {
  const printSchedules = ctx.printSchedules;
  if (!printSchedules) {
    ctx.err('yishi: schedules are not available here (no schedule printer was given to the CLI)');
    return 1;
  }
  const redisDir = path.join(config.YISHI_DATA_DIR, 'redis');
  let redisUrl = config.REDIS_URL ?? readLiveRedisUrl(redisDir);
  // With no running app, the embedded redis-server is started on its data just long enough to read it.
  const embedded = redisUrl ? undefined : await startRedisServer(redisDir);
  redisUrl ??= embedded!.url;
  try {
    return await withDb(async (database, cfg, c) => {
      await printSchedules({ config: cfg, database, redisUrl: redisUrl! }, c.stdout as NodeJS.WritableStream);
      return 0;
    })(config, ctx);
  } finally {
    await embedded?.stop();
  }
};

export { AdminError, ConfigError };
