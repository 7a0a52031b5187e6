/**
 * The core's shape, checked: imports run one way (adapters and jobs -> core -> use cases -> domain),
 * only the entry point wires bots/ and jobs/, and the router stays a table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, importsOf } from './graph.js';

const root = path.resolve(import.meta.dirname, '../..');

const violations = (files: string[], bad: (imported: string) => boolean) =>
  files.flatMap((f) => importsOf(f).filter(bad).map((i) => `${f} -> ${i}`));

describe('imports run one way', () => {
  const src = filesUnder('src');
  const adapters = [...filesUnder('bots'), ...filesUnder('jobs')];

  it('lets only the entry point (src/main.ts) import bots/ or jobs/', () => {
    expect(violations(src.filter((f) => f !== path.normalize('src/main.ts')), (i) => /^(bots|jobs)\//.test(i))).toEqual([]);
  });

  it('keeps the schema out of bots/ and jobs/', () => {
    expect(violations(adapters, (i) => /^src\/db\/schema/.test(i))).toEqual([]);
  });

  it('keeps src/domain pure: nothing of ours but other domain modules and i18n', () => {
    expect(violations(filesUnder('src/domain'), (i) => !/^src\/(domain|i18n)\//.test(i))).toEqual([]);
  });

  it('keeps use cases below the core: nothing under src/ but the entry point, the app, src/core and the web page (an adapter) imports src/core', () => {
    const outside = src.filter((f) => !/^src\/(core|web)\//.test(f) && f !== path.normalize('src/main.ts') && f !== path.normalize('src/app.ts') && f !== path.normalize('src/app-types.ts'));
    expect(violations(outside, (i) => /^src\/core\//.test(i))).toEqual([]);
  });

  it('keeps the router a table under 150 lines', () => {
    const lines = fs.readFileSync(path.join(root, 'src/core/router.ts'), 'utf8').split('\n').length;
    expect(lines).toBeLessThan(150);
  });
});
