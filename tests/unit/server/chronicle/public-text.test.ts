import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ChronicleConsentBody } from '../../../../server/schemas/chronicle.schema.ts';
import { markupText } from '../../../../server/services/chronicle/chronicle-site.ts';

const publicText = ChronicleConsentBody.properties.publicText;

describe('a public text of the chronicle', () => {
  it('keeps lines, tabs and German text', () => {
    expect(Value.Check(publicText, 'Am Abend wurde ein Mann\nin Köln\tangegriffen.')).toBe(true);
  });

  it('refuses control characters an Atom feed cannot carry, and lone surrogates', () => {
    for (const bad of [
      'Angriff\u0000',
      'Angriff\u0007',
      'Angriff\u001B[31m',
      'A\u000Bb',
      'A\uFFFF',
      'A\uD800',
    ]) {
      expect(Value.Check(publicText, bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('is escaped for HTML and XML, and what XML cannot carry never reaches a file', () => {
    expect(markupText(`<b>"Tom" & 'Jerry'</b>\u0007\u0000`)).toBe(
      '&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;',
    );
    expect(markupText('Zeile 1\nZeile 2\tEnde')).toBe('Zeile 1\nZeile 2\tEnde');
  });
});
