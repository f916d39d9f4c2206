import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LOCALES_DIR = fileURLToPath(new URL('../../web/src/lib/i18n/locales/', import.meta.url));

export const UI_LANGUAGES = ['de', 'en'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

type Messages = { [key: string]: string | Messages };

/** The web's `errors` messages of one language, from every locale file the web bundles. */
export function errorCatalogue(language: UiLanguage): Record<string, string> {
  const files = readdirSync(LOCALES_DIR).filter(
    (name) => name === `${language}.json` || name.endsWith(`.${language}.json`),
  );
  const errors: Record<string, string> = {};
  for (const name of files) {
    const messages = JSON.parse(readFileSync(`${LOCALES_DIR}${name}`, 'utf8')) as Messages;
    const section = messages.errors;
    if (typeof section !== 'object') continue;
    for (const [key, text] of Object.entries(section)) {
      if (typeof text === 'string') errors[key] = text;
    }
  }
  return errors;
}

/**
 * What the web would show for an error answer: the text of its reason, else of its code
 * (web/src/lib/error-text.ts), or why it could not: no text, or a placeholder the answer gives
 * no value for.
 */
export function uiTextProblem(
  body: { error?: unknown; reason?: unknown; params?: Record<string, unknown> },
  language: UiLanguage,
  catalogue = errorCatalogue(language),
): string | null {
  const key = [body.reason, body.error].find(
    (candidate): candidate is string => typeof candidate === 'string' && candidate in catalogue,
  );
  if (key === undefined) {
    return `no ${language} text for ${String(body.reason ?? body.error)}`;
  }
  for (const [, name] of catalogue[key]!.matchAll(/\{(\w+)\}/g)) {
    if (body.params?.[name!] === undefined) {
      return `${language} text of ${key} needs {${name}}, the answer has none`;
    }
  }
  return null;
}

/** Every message of one language, flattened to svelte-i18n's dotted ids. */
export function allMessages(language: UiLanguage): Map<string, string> {
  const flat = new Map<string, string>();
  const walk = (messages: Messages, prefix: string) => {
    for (const [key, value] of Object.entries(messages)) {
      if (typeof value === 'string') flat.set(`${prefix}${key}`, value);
      else walk(value, `${prefix}${key}.`);
    }
  };
  for (const name of readdirSync(LOCALES_DIR)) {
    if (name === `${language}.json` || name.endsWith(`.${language}.json`)) {
      walk(JSON.parse(readFileSync(`${LOCALES_DIR}${name}`, 'utf8')) as Messages, '');
    }
  }
  return flat;
}

/** A stand-in for svelte-i18n's `$_`: the message with its `{values}`, or the id if missing. */
export function translator(language: UiLanguage) {
  const messages = allMessages(language);
  return (id: string, options?: { values?: Record<string, string | number> }): string => {
    const text = messages.get(id);
    if (text === undefined) return id;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      String(options?.values?.[name] ?? whole),
    );
  };
}
