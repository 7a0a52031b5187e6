/** One slug rule for the admin CLI and /bind (src/domain/slug.ts). */
import { describe, expect, it } from 'vitest';
import { slugSchema } from '../../src/admin/validation.js';
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
