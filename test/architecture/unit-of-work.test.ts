/**
 * One unit of work for every writer: chat commands, web actions, jobs and the admin CLI change state
 * through src/kernel/unit-of-work.ts (inTransaction, UnitOfWork, savepoint), retried the same way.
 * Nothing else opens a transaction; only the database layer may (migrations, the client itself).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder } from './graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const HOME = path.normalize('src/kernel/unit-of-work.ts');

/** Lines that open a transaction themselves (`db.transaction(`, `tx.transaction(`, `sql.begin(`). */
export function transactionsOpenedIn(text: string): string[] {
  return text.split('\n').filter((line) => /\.transaction\s*\(|\bsql\.begin\s*\(/.test(line) && !/^\s*(\/\/|\*)/.test(line));
}

describe('one unit of work', () => {
  it('lets no use case, adapter or job open its own transaction', () => {
    const files = [...filesUnder('src'), ...filesUnder('bots'), ...filesUnder('jobs')].filter((f) => f !== HOME && !f.startsWith(path.normalize('src/db/')));
    const found = files.flatMap((f) => transactionsOpenedIn(fs.readFileSync(path.join(root, f), 'utf8')).map((l) => `${f}: ${l.trim()}`));
    expect(found).toEqual([]);
  });

  it('sees a transaction opened the ways drizzle and postgres.js allow', () => {
    expect(transactionsOpenedIn('  return db.transaction(async (tx) => {')).toHaveLength(1);
    expect(transactionsOpenedIn('await tx.transaction((sp) => x)')).toHaveLength(1);
    expect(transactionsOpenedIn('await sql.begin(async (s) => {})')).toHaveLength(1);
    expect(transactionsOpenedIn('  // db.transaction( in a comment')).toHaveLength(0);
  });

  it('keeps the unit of work itself the place that opens them', () => {
    expect(transactionsOpenedIn(fs.readFileSync(path.join(root, HOME), 'utf8')).length).toBeGreaterThan(0);
  });
});
