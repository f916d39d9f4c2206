/**
 * Rules for short texts a person types that others must be able to read as typed: an access
 * reason shown to auditors, a pseudonym shown in every list. Control characters, format
 * characters (zero-width spaces, soft hyphens, bidi overrides), line separators and
 * unassigned code points would make a text look blank or read differently from what is
 * stored, so they are refused rather than silently dropped.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Zl}\p{Zp}]/u;
const SPACES = /\s+/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/gu;
const LATIN = /\p{Script=Latin}/u;
const LOOK_ALIKE_SCRIPTS = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/**
 * The text in Unicode compatibility form (NFKC: full-width letters and ligatures become plain
 * ones), with every run of white space (line breaks and tabs included) made one space, and
 * trimmed. Null when a hidden character remains.
 */
export function visibleText(value: string): string | null {
  const text = value.normalize('NFKC').replace(SPACES, ' ').trim();
  return HIDDEN.test(text) ? null : text;
}

/** How many letters and digits the text has: what a reader can actually read. */
export function readableLength(text: string): number {
  return text.match(LETTER_OR_DIGIT)?.length ?? 0;
}

/**
 * A word mixing Latin with Cyrillic or Greek letters ("Dеmo" with a Cyrillic е) is the
 * classic look-alike of another word; real names and pseudonyms keep one script per word.
 */
export function mixesLookAlikeScripts(text: string): boolean {
  return text.split(' ').some((word) => LATIN.test(word) && LOOK_ALIKE_SCRIPTS.test(word));
}
