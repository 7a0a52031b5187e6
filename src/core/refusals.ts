/** Refusals as replies: the one place a domain error's code becomes localized text. */
import { DomainError } from '../domain/errors.js';
import { t, type Lang, type MessageKey } from '../i18n/index.js';

/** The localized reply text of a refusal. */
export function errorText(err: DomainError, lang: Lang): string {
  return t(lang, err.messageKey ?? (`err.${err.code}` as MessageKey), err.params);
}
