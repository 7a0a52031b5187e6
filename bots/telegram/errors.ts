/** How Bot API failures are classified: transient, rate limited, permanent, or harmless. */
import { GrammyError, HttpError } from 'grammy';

export function isGrammyError(err: unknown): err is GrammyError {
  return err instanceof GrammyError;
}

/** The Bot API's retry_after in seconds for a 429, else undefined. */
export function retryAfterSeconds(err: unknown): number | undefined {
  if (isGrammyError(err) && err.error_code === 429) return err.parameters.retry_after ?? 1;
  return undefined;
}

/** "message is not modified": the edit had nothing new; never an error worth more than a debug line. */
export function isNotModified(err: unknown): boolean {
  return isGrammyError(err) && err.error_code === 400 && /message is not modified/i.test(err.description);
}

/** A stale or already answered callback query: the press itself was handled; only the spinner answer is late. */
export function isStaleQuery(err: unknown): boolean {
  return isGrammyError(err) && err.error_code === 400 && /query is too old|query id is invalid/i.test(err.description);
}

/**
 * A send that can never succeed as it is: the bot was blocked or kicked (403), or the request itself
 * is rejected (400: chat not found, chat upgraded, text invalid). Retrying it would only fail again.
 */
export function isPermanent(err: unknown): boolean {
  return isGrammyError(err) && (err.error_code === 403 || err.error_code === 400);
}

/** A short, loggable description of a Bot API or network error. */
export function describe(err: unknown): Record<string, unknown> {
  if (isGrammyError(err)) return { method: err.method, code: err.error_code, description: err.description };
  if (err instanceof HttpError) return { http: err.message, cause: String((err.error as Error)?.message ?? err.error) };
  if (err instanceof Error) return { error: err.name, message: err.message };
  return { error: String(err) };
}

/** The bot was removed from the group or may not write there: retrying can never help. */
export function cannotWrite(err: unknown): boolean {
  if (!isGrammyError(err)) return false;
  if (err.error_code === 403) return true;
  return err.error_code === 400 && /not enough rights|have no rights|chat not found|CHAT_WRITE_FORBIDDEN|CHAT_RESTRICTED|group chat was deactivated/i.test(err.description);
}

/** A short reason for the chats table. */
export function goneReason(err: unknown): string {
  const d = isGrammyError(err) ? err.description : String(err);
  if (/kicked/i.test(d)) return 'kicked';
  if (/rights|restricted|forbidden/i.test(d)) return 'no_rights';
  if (/not found|deactivated/i.test(d)) return 'gone';
  return isGrammyError(err) ? `error_${err.error_code}` : 'error';
}
