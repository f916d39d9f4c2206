import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const WEB = path.join(import.meta.dirname, '../../../web/src');

function svelteFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return svelteFiles(full);
    return entry.name.endsWith('.svelte') ? [full] : [];
  });
}

/** Every opening tag of an element in a component's markup, attributes included. */
const tagsOf = (source: string, element: string) =>
  [...source.matchAll(new RegExp(`<${element}\\b[^>]*>`, 'g'))].map((match) => match[0]);

// A browser's enhanced spell-check sends what is typed to an outside service: no text field
// that can hold a name or case details may leave it on.
describe('spell-check on text fields', () => {
  it('is off on every text area of the web app', () => {
    const offenders = svelteFiles(WEB).flatMap((file) =>
      tagsOf(fs.readFileSync(file, 'utf8'), 'textarea')
        .filter((tag) => !/spellcheck(="false"|=\{false\})/.test(tag))
        .map((tag) => `${path.relative(WEB, file)}: ${tag}`),
    );
    expect(offenders).toEqual([]);
  });

  it('is off by default on the shared input field, before the caller’s attributes', () => {
    const source = fs.readFileSync(path.join(WEB, 'lib/components/FormField.svelte'), 'utf8');
    const [input] = tagsOf(source, 'input');
    expect(input).toMatch(/spellcheck="false"\s+\{\.\.\.inputAttributes\}/);
  });
});
