import type { ChronicleDatePrecision } from '../../generated/prisma/enums.ts';
import type { ChronicleWarning } from '../../schemas/chronicle.schema.ts';

// What a reviewer is warned about before approving a public text. Heuristics: they point at
// words to look at twice, they do not decide. German capitalises every noun, so a "name" is a
// run of capitalised words inside a sentence, a title before one, or a word with an initial.

const CAP = "\\p{Lu}[\\p{Ll}'-]+";
const NAME_PATTERNS = [
  new RegExp(`(?<!(?:^|[.!?:\\n])\\s*)(?<!\\p{L})${CAP}(?:\\s+${CAP})+`, 'gu'),
  new RegExp(`\\b(?:Herr|Frau|Familie|Herrn|Dr\\.)\\s+${CAP}`, 'gu'),
  new RegExp(`\\b${CAP}\\s+\\p{Lu}\\.(?=\\s|$|,)`, 'gu'),
];
const STREET =
  /[\p{L}-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee)(?=[\s,.;:!?]|$)/giu;
const HOUSE_NUMBER =
  /[\p{L}-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|nr\.)\s*\d{1,4}\s?[a-z]?\b/giu;
const AGE =
  /\b\d{1,3}\s?(?:-\s?)?(?:jährige[nrms]?|jährig|jahre alt|jahren|j\.)|\(\d{1,3}\)|\balter von \d{1,3}/giu;
const MONTHS =
  'januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember';
const PRECISE_DATE = new RegExp(
  `\\b\\d{1,2}\\.\\s?(?:\\d{1,2}\\.(?:\\d{2,4})?|(?:${MONTHS}))|\\b\\d{4}-\\d{2}-\\d{2}\\b|` +
    '\\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag)(?:abend|morgen|nacht|mittag)?\\b|' +
    '\\b(?:gestern|vorgestern|heute)\\b',
  'giu',
);

function matches(pattern: RegExp, text: string): string[] {
  return [...text.matchAll(pattern)].map((m) => m[0].trim());
}

/** The warnings for one public text; `alike` is the count of incidents of its kind and month. */
export function chronicleWarnings(
  text: string,
  datePrecision: ChronicleDatePrecision,
  alike: number,
): ChronicleWarning[] {
  const warnings: ChronicleWarning[] = [];
  const add = (code: ChronicleWarning['code'], found: string[]) => {
    for (const match of new Set(found)) warnings.push({ code, match });
  };
  add(
    'name',
    NAME_PATTERNS.flatMap((pattern) => matches(pattern, text)),
  );
  add('street', matches(STREET, text));
  add('house_number', matches(HOUSE_NUMBER, text));
  add('age', matches(AGE, text));
  if (datePrecision === 'month') add('precise_date', matches(PRECISE_DATE, text));
  if (alike <= 1) warnings.push({ code: 'rare_combination' });
  return warnings;
}
