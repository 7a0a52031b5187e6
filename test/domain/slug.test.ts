/** One slug rule for the admin CLI and /bind (src/domain/slug.ts). */
import { describe, expect, it } from 'vitest';
import { slugSchema } from '../../src/domain/admin-args.js';
import { parseArg, slugArg } from '../../src/domain/args.js';
import { DomainError } from '../../src/domain/errors.js';
import { isSlug } from '../../src/domain/slug.js';

const cases: [string, boolean][] = [
  ['demo', true],
  ['xingfu-li-2', true],
  ['a'.repeat(40), true],
  ['a'.repeat(41), false],
  ['Demo', false],
  ['bad_slug', false],
  ['-demo', false],
  ['', false],
];

describe('the slug rule', () => {
  it.each(cases)('%j is a slug: %s', (slug, ok) => {
    expect(isSlug(slug)).toBe(ok);
  });

  it('lets /bind take exactly the slugs the CLI can create', () => {
    for (const [slug, ok] of cases.filter(([s]) => s !== '')) {
      expect(slugSchema.safeParse(slug).success).toBe(ok);
      let refused: string | undefined;
      try {
        expect(parseArg(slugArg, slug)).toBe(slug);
      } catch (err) {
        refused = err instanceof DomainError ? err.code : String(err);
      }
      expect(refused).toBe(ok ? undefined : 'UNKNOWN_COMMUNITY');
    }
  });
});

/** One slug pattern (src/domain/slug.ts): every command that takes `<community>#<n>` asks it. */
describe('the one slug pattern', () => {
  it('decides which `<community>#<n>` the whistle commands, /notice and /ranking take', async () => {
    const { itemRef } = await import('../../src/whistle/commands.js');
    const { leadingSlug, parseItemRef, typedSlug } = await import('../../src/domain/slug.js');
    for (const [slug, ok] of cases.filter(([s]) => s !== '')) {
      const lower = isSlug(slug.toLowerCase());
      expect(itemRef('/report 3').safeParse(`${slug}#3`).success, slug).toBe(lower);
      expect(parseItemRef(`${slug}#3`)?.slug, slug).toBe(lower ? slug.toLowerCase() : undefined);
      expect(leadingSlug(`${slug} ＃ 3`)?.slug, slug).toBe(lower ? slug.toLowerCase() : undefined);
      expect(typedSlug(slug), slug).toBe(lower ? slug.toLowerCase() : undefined);
      if (ok) expect(typedSlug(slug)).toBe(slug);
    }
    expect(itemRef('/report 3').parse('#12')).toEqual({ slug: undefined, n: 12 });
    expect(itemRef('/report 3').safeParse('1234567890').success).toBe(false);
  });

  it('is written once: no other source file holds a slug-shaped pattern', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { filesUnder } = await import('../architecture/graph.js');
    const root = path.resolve(import.meta.dirname, '../..');
    const slugShaped = /\[a-z0-9\]\[a-z0-9|\[a-z0-9_?-\]|\[a-z0-9-_\]|\[-a-z0-9/i;
    const copies = [...filesUnder('src'), ...filesUnder('bots'), ...filesUnder('jobs')]
      .map((f) => f.split(path.sep).join('/'))
      .filter((f) => f !== 'src/domain/slug.ts' && slugShaped.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(copies).toEqual([]);
  });
});
