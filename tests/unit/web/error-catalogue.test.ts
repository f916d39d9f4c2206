import { describe, expect, it } from 'vitest';
import { ERROR_REASONS, ERROR_STATUS } from '../../../server/schemas/error-codes.schema.ts';
import { errorCatalogue, UI_LANGUAGES } from '../../support/error-catalogue.ts';

// Codes the web client sets itself, when no usable answer came back.
const CLIENT_CODES = ['network', 'unavailable', 'unexpected'];

describe('the web error catalogue', () => {
  const codes = [...Object.keys(ERROR_STATUS), ...ERROR_REASONS, ...CLIENT_CODES];

  it.each(UI_LANGUAGES)('has a %s text for every error code and reason', (language) => {
    const catalogue = errorCatalogue(language);
    expect(codes.filter((code) => !catalogue[code]?.trim())).toEqual([]);
  });

  it('uses the same placeholders in German and English', () => {
    const [de, en] = UI_LANGUAGES.map(errorCatalogue);
    const placeholders = (text: string | undefined) =>
      [...(text ?? '').matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    const differing = codes.filter(
      (code) => placeholders(de![code]).join() !== placeholders(en![code]).join(),
    );
    expect(differing).toEqual([]);
  });

  it('has texts in German, not English, where the languages differ', () => {
    const [de, en] = UI_LANGUAGES.map(errorCatalogue);
    expect(codes.filter((code) => de![code] === en![code])).toEqual([]);
  });
});
