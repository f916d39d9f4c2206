import { labeller } from '../stats/stats-csv.ts';
import type { ChronicleBuild } from './chronicle.service.ts';

// The public chronicle as static files for the association's website: accessible German
// HTML, JSON and an Atom feed. Only what a build hands over is written: the approved public
// text, the date as precise as agreed, the place as agreed, offence type and motives.

const MONTH_NAMES = new Intl.DateTimeFormat('de-DE', {
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const DAY_NAMES = new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeZone: 'UTC' });

// Characters XML 1.0 does not allow at all (C0 controls but tab, line feed and carriage
// return; U+FFFE, U+FFFF): one in a public text would make the Atom feed unreadable.
// eslint-disable-next-line no-control-regex -- matching these characters is the point
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * HTML and XML text and attribute values: the five characters with a meaning there escaped,
 * characters XML cannot carry dropped (the schema refuses them; this guards older entries).
 */
export function markupText(text: string): string {
  return text
    .replace(NOT_IN_XML, '')
    .replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
    );
}

export interface PublishedEntry {
  id: string;
  /** `2026-05-14`, or `2026-05` when only the month was agreed. */
  date: string;
  dateLabel: string;
  place: string;
  district: { code: string; label: string };
  municipality: string | null;
  offenceType: { code: string; label: string };
  motives: { code: string; label: string }[];
  text: string;
}

/** The build's entries with their German labels, newest first. */
export function publishedEntries(build: ChronicleBuild): PublishedEntry[] {
  const t = labeller('de');
  return build.entries.map((entry) => {
    const district = t(`cases.district.${entry.district}`);
    const day = new Date(`${entry.date.length === 7 ? `${entry.date}-01` : entry.date}T00:00:00Z`);
    return {
      id: entry.id,
      date: entry.date,
      dateLabel: entry.date.length === 7 ? MONTH_NAMES.format(day) : DAY_NAMES.format(day),
      place: entry.municipality ? `${entry.municipality} (${district})` : district,
      district: { code: entry.district, label: district },
      municipality: entry.municipality,
      offenceType: { code: entry.offenceType, label: t(`cases.offenceType.${entry.offenceType}`) },
      motives: entry.motives.map((code) => ({ code, label: t(`cases.motive.${code}`) })),
      text: entry.publicText,
    };
  });
}

const TITLE = 'Chronik rechter, rassistischer und antisemitischer Angriffe';

function html(entries: PublishedEntry[], builtAt: Date): string {
  const articles = entries
    .map(
      (entry) => `    <article aria-labelledby="e-${entry.id}">
      <h2 id="e-${entry.id}"><time datetime="${entry.date}">${markupText(entry.dateLabel)}</time>, ${markupText(entry.place)}</h2>
      <p>${markupText(entry.text)}</p>
      <dl>
        <dt>Tat</dt><dd>${markupText(entry.offenceType.label)}</dd>
        <dt>Motiv</dt><dd>${entry.motives.map((m) => markupText(m.label)).join(', ')}</dd>
      </dl>
    </article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${TITLE}</title>
  <link rel="alternate" type="application/atom+xml" title="${TITLE}" href="chronik.atom">
  <style>body{font-family:system-ui,sans-serif;line-height:1.5;max-width:42rem;margin:0 auto;padding:1rem;color:#1a1a1a;background:#fff}h2{font-size:1.15rem}dt{font-weight:bold}article{border-top:1px solid #767676;padding:.5rem 0}</style>
</head>
<body>
  <header>
    <h1>${TITLE}</h1>
    <p>Veröffentlicht nach Absprache mit den Betroffenen. Datum und Ort so genau, wie sie zugestimmt haben. Stand: <time datetime="${builtAt.toISOString().slice(0, 10)}">${markupText(DAY_NAMES.format(builtAt))}</time>.</p>
  </header>
  <main>
${entries.length === 0 ? '    <p>Zurzeit sind keine Einträge veröffentlicht.</p>' : articles}
  </main>
</body>
</html>
`;
}

/** Atom wants an instant: the first moment of the agreed day or month, nothing finer. */
const atomInstant = (date: string) => `${date.length === 7 ? `${date}-01` : date}T00:00:00Z`;

function atom(entries: PublishedEntry[], builtAt: Date, buildId: string): string {
  const items = entries
    .map(
      (entry) => `  <entry>
    <id>urn:uuid:${entry.id}</id>
    <title>${markupText(`${entry.dateLabel}, ${entry.place}: ${entry.offenceType.label}`)}</title>
    <updated>${atomInstant(entry.date)}</updated>
    <link rel="alternate" type="text/html" href="index.html#e-${entry.id}"/>
    <category term="${entry.offenceType.code}" label="${markupText(entry.offenceType.label)}"/>
${entry.motives.map((m) => `    <category term="${m.code}" label="${markupText(m.label)}"/>`).join('\n')}
    <content type="text">${markupText(entry.text)}</content>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <id>urn:uuid:${buildId}</id>
  <title>${TITLE}</title>
  <updated>${builtAt.toISOString()}</updated>
  <author><name>BackUp</name></author>
  <link rel="alternate" type="text/html" href="index.html"/>
${items}
</feed>
`;
}

export interface ChronicleFiles {
  'index.html': string;
  'chronik.json': string;
  'chronik.atom': string;
}

/** The files of one build, by name. */
export function chronicleSite(build: ChronicleBuild): ChronicleFiles {
  const entries = publishedEntries(build);
  const json = {
    title: TITLE,
    builtAt: build.builtAt.toISOString(),
    entries: entries.map(({ dateLabel: _label, ...entry }) => entry),
  };
  return {
    'index.html': html(entries, build.builtAt),
    'chronik.json': `${JSON.stringify(json, null, 2)}\n`,
    'chronik.atom': atom(entries, build.builtAt, build.buildId),
  };
}
