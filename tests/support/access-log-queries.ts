import { withClient } from '../../server/database/pg-client.ts';
import type { TestApp } from './test-app.ts';

/** Access-log events of an action (newest last), as the superuser reads them. */
export async function auditEvents(
  t: TestApp,
  where: { action?: string; actorId?: string; sinceSeq?: bigint } = {},
) {
  return withClient(t.database.superuserUrl, async (client) => {
    const result = await client.query(
      `SELECT seq, actor_id, actor_service, action, outcome, target_type, target_id,
              case_number, reason
         FROM audit_events
        WHERE ($1::text IS NULL OR action = $1)
          AND ($2::uuid IS NULL OR actor_id = $2)
          AND seq > $3
        ORDER BY seq`,
      [where.action ?? null, where.actorId ?? null, String(where.sinceSeq ?? 0n)],
    );
    return result.rows.map((row) => ({
      seq: BigInt(row.seq),
      actorId: row.actor_id as string | null,
      actorService: row.actor_service as string | null,
      action: row.action as string,
      outcome: row.outcome as string,
      targetType: row.target_type as string | null,
      targetId: row.target_id as string | null,
      caseNumber: row.case_number as string | null,
      reason: row.reason as string | null,
    }));
  });
}

/** The newest access-log sequence number, to look only at what a request wrote after it. */
export async function lastAuditSeq(t: TestApp): Promise<bigint> {
  return withClient(t.database.superuserUrl, async (client) => {
    const result = await client.query('SELECT coalesce(max(seq), 0) AS seq FROM audit_events');
    return BigInt(result.rows[0].seq);
  });
}
