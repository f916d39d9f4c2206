import { addMessages, init, locale } from 'svelte-i18n';
import de from './locales/de.json';
import en from './locales/en.json';
import casesDe from './locales/cases.de.json';
import casesEn from './locales/cases.en.json';
import statsDe from './locales/stats.de.json';
import statsEn from './locales/stats.en.json';
import lifecycleDe from './locales/lifecycle.de.json';
import lifecycleEn from './locales/lifecycle.en.json';
import chronicleDe from './locales/chronicle.de.json';
import chronicleEn from './locales/chronicle.en.json';
import { translations as passwordDe } from '@zxcvbn-ts/language-de';
import { translations as passwordEn } from '@zxcvbn-ts/language-en';

export const LOCALES = ['de', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];

/** The shape of svelte-i18n's `$_`, for code outside components that formats messages. */
export type Translate = (
  id: string,
  options?: { values?: Record<string, string | number> },
) => string;

const DEFAULT_LOCALE: AppLocale = 'de';
const STORAGE_KEY = 'casework.locale';

export function isAppLocale(value: unknown): value is AppLocale {
  return LOCALES.includes(value as AppLocale);
}

// Storage can be unavailable (privacy settings); the app then simply starts in German.
function readStoredLocale(): AppLocale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isAppLocale(stored) ? stored : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export function setLocale(next: AppLocale): void {
  locale.set(next);
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered across visits, but the switch still applies to this one.
  }
}

// Messages are bundled rather than fetched: two small files, and no loading state to handle.
addMessages('de', de);
addMessages('en', en);
// Case work keeps its strings in files of its own (counsellors' pages).
addMessages('de', casesDe);
addMessages('en', casesEn);
// Team leads' statistics likewise.
addMessages('de', statsDe);
addMessages('en', statsEn);
// Legal holds and the subject-access export.
addMessages('de', lifecycleDe);
addMessages('en', lifecycleEn);
// BackUp's public chronicle and the VBRG monitoring export.
addMessages('de', chronicleDe);
addMessages('en', chronicleEn);
// The server names the password estimator's warning by its key; its language packages say it.
addMessages('de', { errors: { passwordWarnings: passwordDe.warnings } });
addMessages('en', { errors: { passwordWarnings: passwordEn.warnings } });
init({ fallbackLocale: DEFAULT_LOCALE, initialLocale: readStoredLocale() });

// Screen readers and hyphenation follow <html lang>, so it tracks the chosen language.
locale.subscribe((value) => {
  if (isAppLocale(value)) document.documentElement.lang = value;
});
