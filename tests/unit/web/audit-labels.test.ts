import { describe, expect, it } from 'vitest';
import {
  AUDIT_ACTIONS,
  AUDIT_ACTION_GROUPS,
  AUDIT_COUNTS,
  AUDIT_REASONS,
} from '../../../server/schemas/audit-actions.ts';
import { ERROR_STATUS } from '../../../server/schemas/error-codes.schema.ts';
import {
  actionLabel,
  fieldLabel,
  reasonLabel,
  targetIdLabel,
} from '../../../web/src/lib/components/audit/audit-labels.ts';
import { allMessages, translator, UI_LANGUAGES } from '../../support/error-catalogue.ts';

/** What the auditor's screens must never show: an action, rule or reason code. */
const CODE = /\b[a-z_]+\.[a-z_.]+\b|\b[a-z]+_[a-z_]+\b/;

// Reasons as the server writes them (services under server/services), one of each shape.
const STORED_REASONS = [
  'changed:anonymous,person.address,summary',
  'unassigned|self_assigned|changed:coCounsellorId',
  'unchanged',
  'request.art17_request|case:1,notes:3,appointments:1,dataKeysDestroyed:2',
  'retention.backup.closed_case.3y|case:1',
  'retention.comeback.appointment.6m',
  'retention.backup.unlinked_incident.24m',
  'due:4,held:1,erased:3',
  '675 events',
  '12 flags',
  '300 rows',
  '5 re-wrapped',
  'csv, 20 events',
  'first bad event 17',
  '15min',
  'other_sessions_ended:2',
  'shown:3',
  'records:120',
  'month:2026',
  'year:2026',
  'offence_types:quarter:2026',
  'access_reason_required',
  'four_eyes_required',
  'not_found',
  'unassigned|changed:kind,location',
];

describe('the access log in words', () => {
  it.each(UI_LANGUAGES)('has a %s label for every action the server writes', (language) => {
    const messages = allMessages(language);
    expect(AUDIT_ACTIONS.filter((action) => !messages.get(`auditActions.${action}`))).toEqual([]);
    const groups = Object.keys(AUDIT_ACTION_GROUPS);
    expect(groups.filter((group) => !messages.get(`auditActionGroups.${group}`))).toEqual([]);
  });

  it.each(UI_LANGUAGES)(
    'has a %s label for every reason code, refusal code and count',
    (language) => {
      const messages = allMessages(language);
      const reasons = [...AUDIT_REASONS, ...Object.keys(ERROR_STATUS)];
      expect(reasons.filter((code) => !messages.get(`auditReasons.${code}`))).toEqual([]);
      expect(AUDIT_COUNTS.filter((name) => !messages.get(`auditCounts.${name}`))).toEqual([]);
    },
  );

  it('labels every action differently in German and English', () => {
    const [de, en] = UI_LANGUAGES.map(translator);
    expect(
      AUDIT_ACTIONS.filter((action) => actionLabel(action, de!) === actionLabel(action, en!)),
    ).toEqual([]);
  });

  it.each(UI_LANGUAGES)('says every stored reason in %s words, never as a code', (language) => {
    const t = translator(language);
    const shown = STORED_REASONS.map((reason) => [reason, reasonLabel(reason, t)]);
    expect(shown.filter(([, text]) => CODE.test(text!) || /\{\w+\}/.test(text!))).toEqual([]);
  });

  it('names only the fields of a change, in words', () => {
    const t = translator('de');
    expect(reasonLabel('changed:anonymous,person.address', t)).toBe('Geändert: Anonym, Adresse');
    expect(reasonLabel('request.art17_request|notes:3', t)).toMatch(/Art\. 17.*Notizen: 3/);
    expect(targetIdLabel('backup', t)).toBe('BackUp');
  });

  it('shows a neutral text, never the raw code, for what it does not know', () => {
    const t = translator('de');
    expect(actionLabel('case.teleport', t)).toBe('Sonstige Aktion');
    expect(reasonLabel('brand_new_reason', t)).toBe('Sonstiger Vermerk');
    expect(reasonLabel('changed:secret_field', t)).toBe('Geändert: weiteres Feld');
    expect(reasonLabel('request.new_ground', t)).toBe('Sonstige Löschregel');
    expect(fieldLabel('person.shoeSize', translator('en'))).toBe('another field');
  });
});
