/**
 * A community's slug: the short name staff type in `/bind <slug>` and the admin CLI. One rule for both,
 * so `/bind` never accepts a slug the CLI could not have created.
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** What SLUG_PATTERN says, for the CLI's error message. */
export const SLUG_RULE = 'a slug is 1-40 characters of a-z, 0-9 and -, starting with a letter or digit';

export const isSlug = (s: string): boolean => SLUG_PATTERN.test(s);
