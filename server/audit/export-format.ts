import type { AuditEvent } from '../../crypto/index.ts';
import type { StoredCheckpoint } from '../repositories/checkpoint.repository.ts';
import { ACCESS_LOG_ORIGIN } from './access-log-verifier.ts';
import { chainedContent, type AuditRow } from './audit-event-record.ts';

/**
 * The export file: JSON lines — a header, then every event's chained content with its link,
 * then the signed checkpoints. Everything a verifier with only the public key needs, and
 * nothing more (no encrypted details).
 */
export const EXPORT_FORMAT = 'casework-access-log/v1';

type Line =
  | { type: 'header'; format: string; origin: string; exportedAt: string }
  | { type: 'event'; content: AuditEvent; link: string }
  | { type: 'checkpoint'; size: number; createdAt: string; note: string };

export const headerLine = (exportedAt: Date) =>
  JSON.stringify({
    type: 'header',
    format: EXPORT_FORMAT,
    origin: ACCESS_LOG_ORIGIN,
    exportedAt: exportedAt.toISOString(),
  } satisfies Line);

export const eventLine = (row: AuditRow) =>
  JSON.stringify({
    type: 'event',
    content: chainedContent(row),
    link: Buffer.from(row.link).toString('base64'),
  } satisfies Line);

export const checkpointLine = (checkpoint: StoredCheckpoint) =>
  JSON.stringify({
    type: 'checkpoint',
    size: checkpoint.size,
    createdAt: checkpoint.createdAt.toISOString(),
    note: checkpoint.note,
  } satisfies Line);

/** Reads an export back into rows and checkpoints; throws on anything malformed. */
export function parseExport(text: string): { rows: AuditRow[]; checkpoints: StoredCheckpoint[] } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const rows: AuditRow[] = [];
  const checkpoints: StoredCheckpoint[] = [];
  lines.forEach((raw, index) => {
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      throw new Error(`line ${index + 1} is not JSON`);
    }
    if (index === 0) {
      if (line.type !== 'header' || line.format !== EXPORT_FORMAT)
        throw new Error(`not a ${EXPORT_FORMAT} file`);
      return;
    }
    if (line.type === 'event') rows.push(rowFromContent(line.content, line.link));
    else if (line.type === 'checkpoint') {
      checkpoints.push({ size: line.size, note: line.note, createdAt: new Date(line.createdAt) });
    } else
      throw new Error(`line ${index + 1}: unexpected ${String((line as { type?: unknown }).type)}`);
  });
  return { rows, checkpoints };
}

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** The inverse of chainedContent: re-encoding gives the same bytes, hence the same hash. */
function rowFromContent(content: AuditEvent, link: string): AuditRow {
  return {
    id: String(content.id),
    seq: BigInt(Number(content.seq)),
    at: new Date(String(content.at)),
    actorId: text(content.actorId),
    actorRole: text(content.actorRole),
    actorService: text(content.actorService),
    action: String(content.action),
    outcome: String(content.outcome),
    targetType: text(content.targetType),
    targetId: text(content.targetId),
    caseNumber: text(content.caseNumber),
    reason: text(content.reason),
    detailDigest: content.detailDigest
      ? new Uint8Array(Buffer.from(String(content.detailDigest), 'base64'))
      : null,
    clientAddress: text(content.clientAddress),
    requestId: text(content.requestId),
    link: new Uint8Array(Buffer.from(link, 'base64')),
  };
}
