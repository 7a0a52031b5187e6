/** zod schemas for what an administrator types (the CLI and the import file): slugs, names, thresholds, `<platform>:<userId>`. */
import { z } from 'zod';
import { parseDuration } from './time.js';
import { AdminError } from './admin-errors.js';
import { PLATFORMS, type Platform } from './platforms.js';
import { SLUG_PATTERN, SLUG_RULE } from './slug.js';

export const slugSchema = z.string().regex(SLUG_PATTERN, SLUG_RULE);

export const communityNameSchema = z.string().trim().min(1, 'the name must not be empty').max(100, 'the name is at most 100 characters');
export const unitNameSchema = z.string().trim().min(1, 'the unit name must not be empty').max(100, 'the unit name is at most 100 characters');

export const supportThresholdSchema = z.coerce
  .number({ message: 'the support threshold must be a whole number from 1 to 10000' })
  .int('the support threshold must be a whole number from 1 to 10000')
  .min(1, 'the support threshold must be a whole number from 1 to 10000')
  .max(10000, 'the support threshold must be a whole number from 1 to 10000');

/** `--answer-within 7d`: a duration through the one parser (48h, 7d, 7天, 48小时, 1周), from 1 hour to 1 year; in minutes. */
export const ANSWER_WITHIN_MIN = 60;
export const ANSWER_WITHIN_MAX = 365 * 24 * 60;
export const answerWithinSchema = z.string().transform((v, ctx) => {
  const ms = parseDuration(v);
  const minutes = ms === undefined ? undefined : Math.round(ms / 60e3);
  if (minutes === undefined || minutes < ANSWER_WITHIN_MIN || minutes > ANSWER_WITHIN_MAX) {
    ctx.addIssue({ code: 'custom', message: 'the answer time is a duration such as 48h, 7d or 7天, from 1 hour (1h) to 1 year (365d)' });
    return z.NEVER;
  }
  return minutes;
});

export const satisfactionThresholdSchema = z.coerce
  .number({ message: 'the satisfaction threshold must be a number from 0 to 1, such as 0.6' })
  .min(0, 'the satisfaction threshold must be a number from 0 to 1, such as 0.6')
  .max(1, 'the satisfaction threshold must be a number from 0 to 1, such as 0.6');

export const langSchema = z.enum(['zh', 'en'], { message: 'the language is zh or en' });

export const roleSchema = z.enum(['staff', 'resident', 'supervisor'], { message: 'the role is staff, resident or supervisor' });
export type RoleName = z.infer<typeof roleSchema>;

export interface UserRef {
  platform: Platform;
  platformUserId: string;
}

/** A user as the administrator wrote them: `telegram:12345`. */
export const userRefText = (u: UserRef) => `${u.platform}:${u.platformUserId}`;

/** `telegram:12345` -> { platform, platformUserId }; the id may itself contain ':' (split at the first). */
export const userRefSchema = z
  .string()
  .transform((v, ctx): UserRef => {
    const i = v.indexOf(':');
    const platform = i > 0 ? v.slice(0, i) : '';
    const platformUserId = i > 0 ? v.slice(i + 1).trim() : '';
    if (!(PLATFORMS as readonly string[]).includes(platform) || !platformUserId || platformUserId.length > 200) {
      ctx.addIssue({ code: 'custom', message: `a user is <platform>:<userId> with platform ${PLATFORMS.join('|')} (got ${JSON.stringify(v.slice(0, 60))})` });
      return z.NEVER;
    }
    return { platform: platform as Platform, platformUserId };
  });

/** Parses `value` or throws a BAD_ARGUMENT AdminError with the schema's first message. */
export function parseArg<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AdminError('BAD_ARGUMENT', r.error.issues[0]?.message ?? 'invalid argument');
  return r.data;
}
