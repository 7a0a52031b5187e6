/** Refusals as replies: the one place a domain error's code becomes localized text. */
import { DomainError } from '../domain/errors.js';
import { t, type Lang, type MessageKey, type Params } from '../i18n/index.js';

/** The localized reply text of a refusal. */
export function errorText(err: DomainError, lang: Lang): string {
  return t(lang, err.messageKey ?? (`err.${err.code}` as MessageKey), localizedParams(err.params, lang));
}

/** Parameters that name a message (`example.…`) are rendered in the reply's language. */
function localizedParams(params: Params, lang: Lang): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' && /^example\.\w+$/.test(v) ? t(lang, v as MessageKey) : v;
  return out;
}
