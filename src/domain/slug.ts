/**
 * A community's slug: the short name staff type in `/bind <slug>` and the admin CLI, and the
 * `<community>` of `<community>#<n>` in `/report`, `/answer`, `/notice`, `/ranking`. One pattern for all,
 * so no command accepts (or looks for) a slug the CLI could not have created: every pattern that finds a
 * slug is built here from SLUG.
 */

/** The slug's shape, unanchored: the one source of every slug pattern. */
const SLUG = '[a-z0-9][a-z0-9-]{0,39}';

export const SLUG_PATTERN = new RegExp(`^${SLUG}$`);

/** The slug's shape as a regular-expression source, for a pattern that embeds a slug (a path, a reference). */
export const SLUG_SOURCE = SLUG;

/** What SLUG_PATTERN says, for the CLI's error message. */
export const SLUG_RULE = 'a slug is 1-40 characters of a-z, 0-9 and -, starting with a letter or digit';

export const isSlug = (s: string): boolean => SLUG_PATTERN.test(s);

/** A slug as residents and staff type it, in any case: the slug (lowercase), or undefined when the word is none. */
export function typedSlug(word: string): string | undefined {
  const s = word.toLowerCase();
  return isSlug(s) ? s : undefined;
}

/**
 * An item reference as typed: `3`, `#3` or `<community>#3` (any case, around spaces trimmed); the slug
 * lowercased and the number's digits (any count: the caller bounds the number).
 */
export function parseItemRef(text: string): { slug?: string; digits: string } | undefined {
  const m = new RegExp(`^(?:(${SLUG})#|#)?(\\d+)$`).exec(text.trim().toLowerCase());
  return m ? { slug: m[1], digits: m[2]! } : undefined;
}

/** The first `<community>#<n>` in a text the bot wrote (a whistle message replied to). */
export function findItemRef(text: string): { slug: string; digits: string } | undefined {
  const m = new RegExp(`(${SLUG})#(\\d{1,9})`).exec(text);
  return m ? { slug: m[1]!, digits: m[2]! } : undefined;
}

/**
 * `<community>#<rest>` at the start of a command's arguments (`/notice xingfu#3`), spaces and a
 * full-width ＃ allowed around the mark: the slug (lowercased) and the rest; undefined without one.
 */
export function leadingSlug(args: string): { slug: string; rest: string } | undefined {
  const m = new RegExp(`^\\s*(${SLUG})\\s*[#＃]\\s*(.*)$`, 'i').exec(args);
  return m ? { slug: m[1]!.toLowerCase(), rest: m[2]! } : undefined;
}
