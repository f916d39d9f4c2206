import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { AppError } from '../../errors/app-error.ts';

/**
 * OWASP ASVS 5 (V6.2): at least 12 characters, at most 128, no composition rules, and common
 * or guessable passwords refused by an estimator that knows German and English words, names
 * and keyboard patterns (zxcvbn-ts), plus words of this product and the user's own name.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;
// zxcvbn 4 = at least 10^10 guesses. These accounts guard the records of people at risk, and a
// stolen hash database must not fall to a season-and-year password (Sommer2024Sommer scores 3).
const MIN_SCORE = 4;

const PRODUCT_WORDS = ['casework', 'backup', 'comeback', 'beratung', 'fallverwaltung', 'vbrg'];

// The dictionaries take about 0.6 s to load: only when a password is first checked, not at
// every start of the server or the CLI.
let estimator: Promise<ZxcvbnFactory> | undefined;
function getEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, de, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-de'),
      import('@zxcvbn-ts/language-en'),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...de.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      // Feedback as the estimator's keys (`commonNames`): the web shows the language package's
      // own sentence for the key in the reader's language.
      translations: keysOf(en.translations),
    });
  })();
  return estimator;
}

function keysOf<T extends Record<string, Record<string, string>>>(translations: T): T {
  return Object.fromEntries(
    Object.entries(translations).map(([section, texts]) => [
      section,
      Object.fromEntries(Object.keys(texts).map((key) => [key, key])),
    ]),
  ) as T;
}

/**
 * Throws `weak_password` with a reason and parameters that say what to do, never the password.
 */
export async function assertAcceptablePassword(
  password: string,
  context: { username: string },
): Promise<void> {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new AppError(
      'weak_password',
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a good one.`,
      { reason: 'password_too_short', params: { limit: MIN_PASSWORD_LENGTH } },
    );
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw new AppError(
      'weak_password',
      `The password may have at most ${MAX_PASSWORD_LENGTH} characters.`,
      { reason: 'password_too_long', params: { limit: MAX_PASSWORD_LENGTH } },
    );
  }
  const result = (await getEstimator()).check(password, [context.username, ...PRODUCT_WORDS]);
  if (result.score < MIN_SCORE) {
    const warning = result.feedback.warning ?? undefined;
    throw new AppError(
      'weak_password',
      `This password is too easy to guess${warning ? ` (${warning})` : ''}. Add more words that do not belong together.`,
      { reason: 'password_guessable', ...(warning ? { params: { warning } } : {}) },
    );
  }
}
