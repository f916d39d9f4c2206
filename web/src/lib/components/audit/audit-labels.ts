import {
  AUDIT_ACTION_GROUPS,
  AUDIT_ACTIONS,
  AUDIT_COUNTS,
  AUDIT_REASONS,
  type AuditActionGroup,
} from '$schemas/audit-actions.ts';
import { erasureRuleText } from '../../erasure-rule.ts';

// svelte-i18n's `$_` (its type lives in $lib/i18n, which the unit tests cannot load).
type Translate = (id: string, options?: { values?: Record<string, string | number> }) => string;

// Human words for the codes the access log stores. The server writes only the actions of
// server/schemas/audit-actions.ts, and every one has a label in both languages (unit test
// tests/unit/web/audit-labels.test.ts). A code this table does not know is never shown raw:
// it gets a neutral text ("Sonstige Aktion") and stays in the export for whoever must know.

/** The actions the server records, grouped for the filter's select (in menu order). */
export const ACTION_GROUPS: readonly { key: AuditActionGroup; actions: readonly string[] }[] = (
  Object.keys(AUDIT_ACTION_GROUPS) as AuditActionGroup[]
).map((key) => ({ key, actions: AUDIT_ACTION_GROUPS[key] }));

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/** Reasons are the log's own codes or the error code of a refusal (`access_reason_required`). */
const KNOWN_REASONS: ReadonlySet<string> = new Set(AUDIT_REASONS);

/** Error codes a refusal records as its reason; their words are in `auditReasons` too. */
export function knowsReason(code: string, t: Translate): boolean {
  return KNOWN_REASONS.has(code) || t(`auditReasons.${code}`) !== `auditReasons.${code}`;
}

const KNOWN_COUNTS: ReadonlySet<string> = new Set([
  ...AUDIT_COUNTS,
  // Counts written as `675 events`, `12 flags`, `300 rows`, `5 re-wrapped`.
  'events',
  'flags',
  'rows',
  're-wrapped',
]);

const KNOWN_TARGETS: ReadonlySet<string> = new Set([
  'case',
  'case_list',
  'user',
  'route',
  'service',
  'appointment',
  'incident',
  'prevention_contact',
  'training',
  'audit_event',
  'statistics',
  'retention',
  'service_key',
  'master_key',
]);

/** Why a verification failed (crypto/audit-chain.ts and the server's verifier). */
const KNOWN_CHAIN_FAILURES: ReadonlySet<string> = new Set([
  'bad_event',
  'link_mismatch',
  'checkpoint_mismatch',
  'truncated',
  'sequence_gap',
]);

const ROLES: ReadonlySet<string> = new Set(['counsellor', 'team_lead', 'auditor', 'admin']);
const SERVICES: ReadonlySet<string> = new Set(['backup', 'comeback']);
const GRANULARITIES: ReadonlySet<string> = new Set(['month', 'quarter', 'year']);

export function isKnownAction(code: string): boolean {
  return KNOWN_ACTIONS.has(code);
}

export function actionLabel(code: string, t: Translate): string {
  return KNOWN_ACTIONS.has(code) ? t(`auditActions.${code}`) : t('auditText.otherAction');
}

export function targetLabel(code: string, t: Translate): string {
  return KNOWN_TARGETS.has(code) ? t(`auditTargets.${code}`) : t('auditText.otherTarget');
}

export function chainFailureLabel(code: string, t: Translate): string {
  return KNOWN_CHAIN_FAILURES.has(code)
    ? t(`auditChainFailures.${code}`)
    : t('auditText.otherChainFailure');
}

export function roleLabel(code: string, t: Translate): string {
  return ROLES.has(code) ? t(`roles.${code}`) : t('auditText.otherRole');
}

export function serviceLabel(code: string, t: Translate): string {
  return SERVICES.has(code) ? t(`services.${code}`) : t('auditText.otherService');
}

/** A field name of a `changed:` list (`person.address`) in words. */
export function fieldLabel(name: string, t: Translate): string {
  const id = `auditFields.${name}`;
  const text = t(id);
  return text === id ? t('auditText.otherField') : text;
}

function countLabel(name: string, count: string, t: Translate): string {
  const label = KNOWN_COUNTS.has(name) ? t(`auditCounts.${name}`) : t('auditText.otherCount');
  return t('auditText.count', { values: { label, count } });
}

const RULE = /^(request\.\w+|retention\.\w+\.\w+\.\d+[ym])$/;
const COUNTS = /^[A-Za-z_]+:\d+(,[A-Za-z_]+:\d+)*$/;

/** One `|`-separated part of a reason in words. */
function reasonPart(part: string, t: Translate): string {
  if (part.startsWith('changed:')) {
    const fields = part.slice('changed:'.length).split(',').filter(Boolean);
    return t('auditText.changed', {
      values: { fields: fields.map((name) => fieldLabel(name, t)).join(', ') },
    });
  }
  if (RULE.test(part)) return erasureRuleText(part, t);
  if (COUNTS.test(part)) {
    return part
      .split(',')
      .map((pair) => {
        const [name = '', count = ''] = pair.split(':');
        return countLabel(name, count, t);
      })
      .join(', ');
  }
  const counted = /^(\d+) (events|flags|rows|re-wrapped)$/.exec(part);
  if (counted) return countLabel(counted[2]!, counted[1]!, t);
  const exported = /^(csv|json), (\d+) events$/.exec(part);
  if (exported) {
    return t('auditText.exported', {
      values: { format: exported[1]!.toUpperCase(), count: exported[2]! },
    });
  }
  const minutes = /^(\d+)min$/.exec(part);
  if (minutes) return t('auditText.minutes', { values: { count: minutes[1]! } });
  const badEvent = /^first bad event (\d+|\?)$/.exec(part);
  if (badEvent) return t('auditText.firstBadEvent', { values: { seq: badEvent[1]! } });
  const stats = /^(?:([a-z_]+):)?(month|quarter|year):(\d{4})$/.exec(part);
  if (stats && GRANULARITIES.has(stats[2]!)) {
    const period = t('auditText.statsPeriod', {
      values: { granularity: t(`auditText.granularity.${stats[2]}`), year: stats[3]! },
    });
    return stats[1] ? t('auditText.statsTable', { values: { period } }) : period;
  }
  if (knowsReason(part, t)) return t(`auditReasons.${part}`);
  return t('auditText.otherReason');
}

/**
 * A reason as the log stores it (`unassigned|changed:person.address,summary`,
 * `request.art17_request|notes:3`, `675 events`) in words, part by part.
 */
export function reasonLabel(reason: string, t: Translate): string {
  return reason
    .split('|')
    .map((part) => reasonPart(part.trim(), t))
    .join('; ');
}

/** A target id in words where it is a code (a service); ids and case numbers stay as they are. */
export function targetIdLabel(id: string, t: Translate): string | null {
  if (SERVICES.has(id)) return serviceLabel(id, t);
  // A service key: `backup:v2`; the system's own keys: `system:v1`.
  const key = /^([a-z]+):v(\d+)$/.exec(id);
  if (key) {
    const scope = key[1] === 'system' ? t('auditText.systemKeys') : serviceLabel(key[1]!, t);
    return t('auditText.keyVersion', { values: { scope, version: key[2]! } });
  }
  return null;
}
