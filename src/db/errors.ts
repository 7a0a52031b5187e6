/** Postgres SQLSTATE codes, mapped in one place (never by matching message text). */
export const PG = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/** The SQLSTATE of a driver error (postgres-js, PGlite), looking through drizzle's wrapping. */
export function sqlState(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isPgUniqueViolation = (err: unknown) => sqlState(err) === PG.uniqueViolation;
export const isPgCheckViolation = (err: unknown) => sqlState(err) === PG.checkViolation;
/** A conflict that a retry of the whole transaction can fix. */
export const isPgRetryable = (err: unknown) => {
  const s = sqlState(err);
  return s === PG.serializationFailure || s === PG.deadlockDetected;
};

/** The constraint a driver error names, if any. */
export function constraintName(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const c = (e as { constraint_name?: unknown; constraint?: unknown }).constraint_name ?? (e as { constraint?: unknown }).constraint;
    if (typeof c === 'string') return c;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
