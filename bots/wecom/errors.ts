/**
 * How a failed WeCom send is classified. The SDK rejects with the ack frame itself (`{ errcode, errmsg }`)
 * when WeCom refuses a frame, and with an Error when the socket is down, closed under it, or no ack came.
 */

/** WeCom's global codes for "too many calls" (45009 接口调用超过限制, 45033 接口并发调用超过限制). */
export const RATE_LIMIT_CODES = new Set([45009, 45033]);
/** How long to wait after a rate-limit answer (WeCom gives no retry-after; its windows are per minute). */
export const RATE_LIMIT_WAIT_MS = 60_000;

export interface AckError {
  errcode: number;
  errmsg?: string;
}

export function isAckError(err: unknown): err is AckError {
  return typeof err === 'object' && err !== null && typeof (err as AckError).errcode === 'number' && !(err instanceof Error);
}

export function isRateLimited(err: unknown): boolean {
  return isAckError(err) && (RATE_LIMIT_CODES.has(err.errcode) || /freq|too fast|频率|频繁/i.test(err.errmsg ?? ''));
}

/** WeCom refused the frame itself (bad chat id, bad card): sending it again would fail again. -1 is "system busy". */
export function isPermanent(err: unknown): boolean {
  return isAckError(err) && err.errcode !== 0 && err.errcode !== -1 && !isRateLimited(err);
}

/**
 * The socket was down when we wanted to send: nothing left this process, so a later send is not a
 * duplicate.
 */
export function isNotConnected(err: unknown): boolean {
  return err instanceof Error && /not connected/i.test(err.message);
}

/** A short, loggable description of a failed send. */
export function describe(err: unknown): Record<string, unknown> {
  if (isAckError(err)) return { errcode: err.errcode, errmsg: err.errmsg };
  if (err instanceof Error) return { error: err.name, message: err.message };
  return { error: String(err) };
}
