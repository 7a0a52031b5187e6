/**
 * The house drawn as layers, bottom to top: a folder imports only folders of lower layers, never one of
 * its own layer nor one above it. Features sit on the kernel; the core routes to features; the adapters
 * (web page, admin CLI, jobs, bots) sit on the core; only the entry point wires them together.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, importsOf } from './graph.js';

export const LAYERS: { name: string; folders: string[] }[] = [
  { name: 'tools', folders: ['src/lib', 'src/i18n'] },
  { name: 'domain rules', folders: ['src/domain'] },
  { name: 'database', folders: ['src/db'] },
  { name: 'outbox and services', folders: ['src/messaging', 'src/services'] },
  { name: 'kernel', folders: ['src/kernel'] },
  { name: 'organisation', folders: ['src/org', 'src/council'] },
  { name: 'points', folders: ['src/points'] },
  { name: 'whistles', folders: ['src/whistle'] },
  { name: 'consultation and members', folders: ['src/consultation', 'src/members'] },
  { name: 'owners', folders: ['src/owners'] },
  { name: 'people and reports', folders: ['src/people', 'src/reports'] },
  { name: 'sessions', folders: ['src/sessions'] },
  { name: 'core', folders: ['src/core'] },
  { name: 'adapters', folders: ['src/web', 'src/admin', 'jobs', 'bots/telegram', 'bots/wechat', 'bots/wecom', 'bots/wechat-mp', 'bots/console'] },
  { name: 'the app', folders: ['src/app.ts'] },
  { name: 'entry', folders: ['src/main.ts'] },
];

const root = path.resolve(import.meta.dirname, '../..');

/** The layer entry (folder or file) a path belongs to, with its rank. */
function placeOf(file: string): { folder: string; rank: number } | undefined {
  const f = file.split(path.sep).join('/');
  for (const [rank, layer] of LAYERS.entries())
    for (const folder of layer.folders) if (f === folder || f.startsWith(folder + '/')) return { folder, rank };
  return undefined;
}

describe('the layers', () => {
  const files = [...filesUnder('src'), ...filesUnder('bots'), ...filesUnder('jobs')];

  it('places every source file in a layer', () => {
    expect(files.filter((f) => !placeOf(f))).toEqual([]);
  });

  it('runs every import down a layer, never across or up', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = placeOf(f)!;
      for (const i of importsOf(f)) {
        const to = placeOf(i);
        if (!to || to.folder === from.folder) continue;
        if (to.rank >= from.rank) bad.push(`${f} (${LAYERS[from.rank]!.name}) -> ${i} (${LAYERS[to.rank]!.name})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('catches an import that runs back up (the check itself)', () => {
    const kernel = placeOf('src/kernel/context.ts')!;
    const feature = placeOf('src/consultation/raise.ts')!;
    expect(kernel.rank).toBeLessThan(feature.rank);
    expect(fs.existsSync(path.join(root, 'src/kernel/context.ts'))).toBe(true);
  });
});
