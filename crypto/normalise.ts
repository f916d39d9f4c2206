// Normalisation for blind indexes: two spellings a counsellor would call "the same name" must
// give the same string, e.g. "Müller", "MÜLLER", "Mueller", " mueller ", NFC or NFD input.

const GERMAN_UMLAUT = /([aou])\u0308/g;
// Only the generic Latin/Greek/Cyrillic combining diacritics (U+0300–U+036F): "Çelik" = "Celik",
// "José" = "Jose". Marks of other scripts (Arabic vowel signs, Devanagari matras) carry meaning and
// are kept.
const LATIN_DIACRITIC = /[\u0300-\u036f]/g;
const INVISIBLE = /\p{Cf}/gu;
const WHITESPACE = /\s+/gu;

export function normaliseForIndex(value: string): string {
  return (
    value
      // Compatibility forms first: ligatures, full-width letters, no-break spaces.
      .normalize('NFKC')
      // Upper then lower approximates full case folding: 'ß' → 'SS' → 'ss', 'ẞ' → 'ß' → 'ss'.
      .toLocaleUpperCase('de')
      .toLocaleLowerCase('de')
      .normalize('NFD')
      .replace(GERMAN_UMLAUT, '$1e')
      .replace(/ß/g, 'ss')
      .replace(LATIN_DIACRITIC, '')
      .normalize('NFC')
      .replace(INVISIBLE, '')
      .replace(WHITESPACE, ' ')
      .trim()
  );
}
