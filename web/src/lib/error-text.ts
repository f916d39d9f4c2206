import { ApiError } from './api/client';
import type { Translate } from './i18n';

/**
 * A calm sentence in the reader's language for anything a request can throw: the reason of a
 * refusal if it has one (`too_long`, with its limit), else its code. The server's own message
 * is English for operators and is never shown. Every code and reason has a text in both
 * catalogues (tests/unit/error-catalogue.test.ts).
 */
export function errorText(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('errors.unexpected');
  const { limit, other, warning } = error.params;
  const values: Record<string, string | number> = {
    limit: limit ?? '',
    other: other ? translated(t, `errors.fields.${other}`, other) : '',
  };
  for (const key of [error.reason, error.code]) {
    if (!key) continue;
    const text = translated(t, `errors.${key}`, null, values);
    if (text === null) continue;
    const hint = warning ? translated(t, `errors.passwordWarnings.${warning}`, null) : null;
    return hint ? `${text} ${hint}` : text;
  }
  return t('errors.unexpected');
}

// svelte-i18n answers a missing message with its id.
function translated<T extends string | null>(
  t: Translate,
  id: string,
  fallback: T,
  values?: Record<string, string | number>,
): string | T {
  const text = t(id, values ? { values } : undefined);
  return text === id ? fallback : text;
}
