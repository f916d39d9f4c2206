import { isIP } from 'node:net';
import type { ClientAddressPolicy } from '../config/config.schema.ts';
import type { DbClient } from '../database/db-client.ts';
import type { AuditOutcome, AuditRepository } from '../repositories/audit.repository.ts';
import type { RequestContext } from './actor.ts';
import type { AuditAction, AuditReasonText } from '../schemas/audit-actions.ts';
import type { ErrorCode } from '../errors/app-error.ts';

/** An event's reason: a listed code, a refusal's error code, or a composite of them. */
export type AuditReasonCode = AuditReasonText<ErrorCode>;

export interface AuditRecord {
  action: AuditAction;
  outcome: AuditOutcome;
  targetType?: string;
  targetId?: string;
  /** The case the event concerns, so auditors can filter by case number. */
  caseNumber?: string;
  /** A reason code such as `locked` or `wrong_password`, never free text from a request. */
  reason?: AuditReasonCode;
  /** The event's id, when a detail's ciphertext must be bound to it before it is written. */
  id?: string;
  /** Free text about a person (an access reason), already encrypted under its case key. */
  detail?: { ciphertext: Uint8Array<ArrayBuffer>; digest: Uint8Array<ArrayBuffer> };
}

/** Writes access-log events with the actor and request of the context they happen in. */
export function createAuditLog(audits: AuditRepository, clientAddress: ClientAddressPolicy) {
  return {
    async record(context: RequestContext, record: AuditRecord, client?: DbClient): Promise<void> {
      await audits.append(
        {
          actorId: context.actor?.userId ?? null,
          actorRole: context.actor?.role ?? null,
          actorService: context.actor?.service ?? null,
          ...record,
          clientAddress: recordedAddress(context.clientAddress, clientAddress),
          requestId: context.requestId,
        },
        client,
      );
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/** `truncated` keeps the network (IPv4 /24, IPv6 /48): enough to spot a pattern, not a person. */
export function recordedAddress(
  address: string | null,
  policy: ClientAddressPolicy,
): string | null {
  if (!address || policy === 'none') return null;
  if (policy === 'full') return address;
  const mapped = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(mapped) === 4) return mapped.replace(/\.\d+$/, '.0');
  if (isIP(mapped) === 6) {
    const groups = expandIpv6(mapped).slice(0, 3);
    return `${groups.join(':')}::`;
  }
  return null;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array.from({ length: Math.max(missing, 0) }, () => '0'), ...right];
}
