/**
 * One home for the outbox dedupe keys: src/messaging/outbox-keys.ts. A key is how a message is queued
 * once, ever; a second place that writes keys could repeat a format or drift from it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memberOutboxKeys, outboxKeys } from '../../src/messaging/outbox-keys.js';
import { filesUnder } from './graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const HOME = 'src/messaging/outbox-keys.ts';
const sources = () => [...filesUnder('src'), ...filesUnder('bots'), ...filesUnder('jobs')].map((f) => f.split(path.sep).join('/'));
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

describe('the outbox keys', () => {
  it('are defined in one file: no other file defines a table of keys', () => {
    const tables = sources().filter((f) => f !== HOME && /export\s+const\s+\w*[oO]utboxKeys\s*=/.test(read(f)));
    expect(tables).toEqual([]);
  });

  it('are never written inline: no dedupe key is a literal outside the keys file', () => {
    const inline = /dedupeKey\s*[:=][^,;\n]*`|dedupeKey\s*[:=]\s*['"]/;
    const found = sources().flatMap((f) =>
      f === HOME ? [] : read(f).split('\n').flatMap((line, i) => (inline.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('keep the stored formats (a format never changes) and never collide between groups', () => {
    const at = new Date(1_800_000_000_000);
    expect(memberOutboxKeys.unclaimedTo(3, at, 7)).toBe('need-3-unclaimed-1800000000000-person-7');
    expect(memberOutboxKeys.registeredTo(2, at, 9)).toBe('member-2-registered-1800000000000-to-9');
    expect(outboxKeys.pollResult(5)).toBe('poll-result-5');
    expect(outboxKeys.webReply('abc')).toBe('web-abc');
    const names = [...Object.keys(outboxKeys), ...Object.keys(memberOutboxKeys)];
    expect(new Set(names).size).toBe(names.length);
  });
});
