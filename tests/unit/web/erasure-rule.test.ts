import { describe, expect, it } from 'vitest';
import de from '../../../web/src/lib/i18n/locales/lifecycle.de.json' with { type: 'json' };
import { erasureRuleText } from '../../../web/src/lib/erasure-rule.ts';

type Messages = { [key: string]: string | Messages };

// svelte-i18n's lookup, enough for plain `{name}` messages.
const t = (id: string, options?: { values?: Record<string, string | number> }) => {
  let node: string | Messages | undefined = de as Messages;
  for (const part of id.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') return id;
  return node.replace(/\{(\w+)\}/g, (_, name: string) => String(options?.values?.[name]));
};

describe('erasureRuleText', () => {
  it('says an erasure on request with its legal ground in words', () => {
    expect(erasureRuleText('request.art17_request', t)).toBe(
      'Auf Antrag: Antrag der Person (Art. 17 DSGVO)',
    );
  });

  it('says a retention erasure with its period', () => {
    expect(erasureRuleText('retention.backup.closed_case.3y', t)).toBe(
      'Aufbewahrungsfrist abgelaufen: abgeschlossener Fall, 3 Jahre nach Abschluss',
    );
    expect(erasureRuleText('retention.comeback.appointment.6m', t)).toBe(
      'Aufbewahrungsfrist abgelaufen: Termin, 6 Monate danach',
    );
  });
});
