/** Postgres SQLSTATE codes, mapped in one place (never by matching message text). */
export const PG = {
  uniqueViolation: '23505',
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
/** A conflict that a retry of the whole transaction can fix. */
export const isPgRetryable = (err: unknown) => {
  const s = sqlState(err);
  return s === PG.serializationFailure || s === PG.deadlockDetected;
};

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

/**
 * True when the error says the database could not be reached or is going away (connection refused or
 * lost, SQLSTATE class 08, shutdown 57P0x, out of resources 53xxx): nothing was stored and a later try
 * may succeed. Anything else is a fault of the statement or the code.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (UNAVAILABLE_CODES.has(code)) return true;
      if (/^08|^57P0|^53/.test(code)) return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
