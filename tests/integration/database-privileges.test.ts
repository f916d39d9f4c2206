import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequestLogins, checkRequestRole } from '../../server/database/check-database.ts';
import { serviceLoginUrl, type CounsellingService } from '../../server/database/database-roles.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { expectStatus, newCase, startTeam } from '../support/case-work.ts';

/**
 * Every privilege of every casework role, compared with the reviewed list beside this file: a
 * grant added or removed anywhere (table, column, function, schema, database, membership, role
 * attribute, row-level security policy) fails until the list is changed with it.
 */
const ALLOW_LIST = path.join(import.meta.dirname, 'database-privileges.allow-list.txt');

const PRIVILEGES_SQL = `
  WITH roles AS (SELECT oid, rolname FROM pg_roles WHERE rolname LIKE 'casework\\_%'),
  name_of AS (SELECT oid, rolname FROM pg_roles UNION ALL SELECT 0, 'PUBLIC')
  SELECT 'role ' || rolname || ':' ||
         CASE WHEN rolsuper THEN ' SUPERUSER' ELSE '' END ||
         CASE WHEN rolbypassrls THEN ' BYPASSRLS' ELSE '' END ||
         CASE WHEN rolcreaterole THEN ' CREATEROLE' ELSE '' END ||
         CASE WHEN rolcreatedb THEN ' CREATEDB' ELSE '' END ||
         CASE WHEN rolcanlogin THEN ' LOGIN' ELSE ' NOLOGIN' END ||
         CASE WHEN rolinherit THEN ' INHERIT' ELSE ' NOINHERIT' END AS line
    FROM pg_roles WHERE rolname LIKE 'casework\\_%'
  UNION ALL
  SELECT 'member ' || m.rolname || ' of ' || g.rolname
    FROM pg_auth_members a JOIN roles g ON g.oid = a.roleid JOIN name_of m ON m.oid = a.member
  UNION ALL
  SELECT 'database ' || n.rolname || ' ' || x.privilege_type
    FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) x
    JOIN name_of n ON n.oid = x.grantee
   WHERE d.datname = current_database() AND x.grantee <> d.datdba
  UNION ALL
  SELECT 'schema public ' || n.rolname || ' ' || x.privilege_type
    FROM pg_namespace s, aclexplode(coalesce(s.nspacl, acldefault('n', s.nspowner))) x
    JOIN name_of n ON n.oid = x.grantee
   WHERE s.nspname = 'public' AND x.grantee <> s.nspowner
  UNION ALL
  SELECT 'owner ' || o.rolname || ' of ' || c.relname
    FROM pg_class c JOIN name_of o ON o.oid = c.relowner
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
  UNION ALL
  SELECT 'table ' || c.relname || ' ' || n.rolname || ' ' || x.privilege_type
    FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) x
    JOIN name_of n ON n.oid = x.grantee
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
     AND x.grantee <> c.relowner
  UNION ALL
  SELECT 'column ' || c.relname || '.' || a.attname || ' ' || n.rolname || ' ' || x.privilege_type
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid, aclexplode(a.attacl) x
    JOIN name_of n ON n.oid = x.grantee
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
     AND a.attacl IS NOT NULL
  UNION ALL
  SELECT 'function ' || p.oid::regprocedure::text || ' ' || n.rolname || ' ' || x.privilege_type ||
         CASE WHEN p.prosecdef THEN ' (security definer)' ELSE '' END
    FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
    JOIN name_of n ON n.oid = x.grantee
   WHERE p.pronamespace = 'public'::regnamespace AND x.grantee <> p.proowner
  UNION ALL
  SELECT 'policy ' || tablename || '.' || policyname || ' ' || cmd || ' to ' ||
         array_to_string(roles, ',') || ' using ' || coalesce(qual, '-') ||
         ' check ' || coalesce(with_check, '-')
    FROM pg_policies WHERE schemaname = 'public'
  ORDER BY 1`;

let annaCase: { id: string; caseNumber: string };
let claraCase: { id: string; caseNumber: string };

const { t, anna, clara } = await startTeam({ anna: 'backup', clara: 'comeback' });
beforeAll(async () => {
  annaCase = await newCase(anna);
  claraCase = await newCase(clara);
  for (const [who, id] of [
    [anna, annaCase.id],
    [clara, claraCase.id],
  ] as const) {
    expectStatus(
      await who.http('POST', `/api/cases/${id}/notes`, { kind: 'other', body: 'Vermerk' }),
      201,
    );
  }
});
afterAll(() => t?.close());

/** Raw SQL in one transaction (rolled back), as the given login, in a service scope. */
function rawSql<T>(url: string, service: string | null, work: (client: pg.Client) => Promise<T>) {
  return withClient(url, async (client) => {
    await client.query('BEGIN');
    try {
      if (service) await client.query(`SELECT set_config('casework.service', $1, true)`, [service]);
      return await work(client);
    } finally {
      await client.query('ROLLBACK');
    }
  });
}

describe('the privileges of every casework role', () => {
  it('are exactly the reviewed allow-list', async () => {
    const actual = await withClient(t.database.superuserUrl, async (client) =>
      (await client.query<{ line: string }>(PRIVILEGES_SQL)).rows.map((row) => row.line),
    );
    const allowed = fs
      .readFileSync(ALLOW_LIST, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(actual.length).toBeGreaterThan(50); // the query reads the catalogue, not nothing
    expect(
      actual.filter((line) => !allowed.includes(line)),
      'granted, not allowed',
    ).toEqual([]);
    expect(
      allowed.filter((line) => !actual.includes(line)),
      'allowed, not granted',
    ).toEqual([]);
  });
});

/** The request logins: a counselling service's own, or the system login for `null`. */
function requestUrl(service: CounsellingService | null): string {
  return service ? serviceLoginUrl(t.database.appUrl, service) : t.database.appUrl;
}

describe('raw SQL as the request login', () => {
  const asRequest = <T>(
    service: CounsellingService | null,
    work: (client: pg.Client) => Promise<T>,
  ) => rawSql(requestUrl(service), service, work);

  it('cannot shred a key: data keys are neither updated nor deleted', async () => {
    for (const statement of [
      'UPDATE data_keys SET wrapped_key = NULL',
      'UPDATE data_keys SET destroyed_at = now()',
      'DELETE FROM data_keys',
      'TRUNCATE data_keys',
    ]) {
      await expect(
        asRequest('backup', (c) => c.query(statement)),
        statement,
      ).rejects.toThrow(/permission denied/);
    }
  });

  it('cannot bring an erased case back with a data key of a higher version', async () => {
    const oldKey = await rawSql(t.database.superuserUrl, null, async (client) => {
      const found = await client.query(
        `SELECT wrapped_key, service_version FROM data_keys WHERE owner_type = 'case' AND owner_id = $1`,
        [annaCase.id],
      );
      return found.rows[0] as { wrapped_key: Buffer; service_version: number };
    });
    expect(oldKey.wrapped_key.length).toBeGreaterThan(0);
    const revive = (client: pg.Client) =>
      client.query(
        `INSERT INTO data_keys (scope, owner_type, owner_id, key_version, service_version, wrapped_key)
         VALUES ('backup', 'case', $1, 2, $2, $3)`,
        [annaCase.id, oldKey.service_version, oldKey.wrapped_key],
      );
    await asRequest('backup', async (client) => {
      const erased = await client.query(
        `SELECT casework_erase_case($1::uuid, 'test', DATE '2026-11-30', now()) AS result`,
        [annaCase.id],
      );
      expect(erased.rows[0].result).toMatchObject({ caseNumber: annaCase.caseNumber });
      await expect(revive(client)).rejects.toThrow(/data key of an erased record/);
    });
  });

  it('cannot wipe or remove an access-log event', async () => {
    for (const statement of [
      'UPDATE audit_events SET detail = NULL',
      'UPDATE audit_events SET reason = NULL',
      'DELETE FROM audit_events',
      'TRUNCATE audit_events',
    ]) {
      await expect(
        asRequest(null, (c) => c.query(statement)),
        statement,
      ).rejects.toThrow(/permission denied/);
    }
  });

  it('cannot stop the sealer: no checkpoint, no lock that keeps it out, no ending its connection', async () => {
    for (const statement of [
      `INSERT INTO audit_checkpoints (size, note, created_at) VALUES (999999999, 'forged', now())`,
      'DELETE FROM audit_checkpoints',
      'LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE',
      'LOCK TABLE audit_checkpoints IN SHARE ROW EXCLUSIVE MODE',
    ]) {
      await expect(
        asRequest(null, (c) => c.query(statement)),
        statement,
      ).rejects.toThrow(/permission denied/);
    }
    const sealer = new pg.Client({ connectionString: t.database.sealerUrl });
    await sealer.connect();
    try {
      const pid = (await sealer.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      await expect(
        asRequest(null, (c) => c.query('SELECT pg_terminate_backend($1)', [pid])),
      ).rejects.toThrow(/permission denied/);
      await expect(
        asRequest(null, (c) => c.query('SELECT pg_cancel_backend($1)', [pid])),
      ).rejects.toThrow(/permission denied/);
      expect((await sealer.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await sealer.end();
    }
  });

  it('cannot change who a user is: role, service, user name and id stay out of reach', async () => {
    for (const statement of [
      `UPDATE users SET role = 'admin'`,
      `UPDATE users SET service_code = 'comeback'`,
      `UPDATE users SET username = 'someone-else'`,
      `UPDATE users SET id = gen_random_uuid()`,
    ]) {
      await expect(
        asRequest(null, (c) => c.query(statement)),
        statement,
      ).rejects.toThrow(/permission denied/);
    }
  });

  it('cannot make an appointment forget the cases it was detached from', async () => {
    await expect(
      asRequest('backup', (c) => c.query(`UPDATE appointments SET detached_from_case_ids = '{}'`)),
    ).rejects.toThrow(/permission denied/);
  });

  it('reads no case of the other service within its own scope', async () => {
    const seen = await asRequest('backup', (client) =>
      client.query('SELECT id FROM cases WHERE id = $1', [claraCase.id]),
    );
    expect(seen.rows).toEqual([]);
  });
});

describe('row-level security keys on the login, not on a setting the login can change', () => {
  /** The other service's setting, set by the SQL itself as an injection would. */
  const posingAs = <T>(
    login: CounsellingService | null,
    setting: CounsellingService,
    work: (client: pg.Client) => Promise<T>,
  ) => rawSql(requestUrl(login), setting, work);

  it("BackUp's login with ComeBack's setting reads, changes and erases nothing of ComeBack", async () => {
    await posingAs('backup', 'comeback', async (client) => {
      expect((await client.query('SELECT id FROM cases')).rows.map((row) => row.id)).toEqual([
        annaCase.id,
      ]);
      expect(
        (await client.query('SELECT id FROM case_notes WHERE case_id = $1', [claraCase.id])).rows,
      ).toEqual([]);
      expect(
        (await client.query(`SELECT count(*)::int AS n FROM data_keys WHERE scope = 'comeback'`))
          .rows[0].n,
      ).toBe(0);
      const erased = await client.query(
        `SELECT casework_erase_case($1::uuid, 'test', DATE '2026-11-30', now()) AS result`,
        [claraCase.id],
      );
      expect(erased.rows[0].result).toBeNull();
      const moved = await client.query(`UPDATE cases SET status = status WHERE id = $1`, [
        claraCase.id,
      ]);
      expect(moved.rowCount).toBe(0);
    });
    await expect(
      posingAs('backup', 'comeback', (client) =>
        client.query(`UPDATE cases SET service = 'comeback' WHERE id = $1`, [annaCase.id]),
      ),
    ).rejects.toThrow(/row-level security|permission denied/);
  });

  it('the system login sees no case of either service, whatever it sets', async () => {
    for (const setting of ['backup', 'comeback'] as const) {
      await posingAs(null, setting, async (client) => {
        expect((await client.query('SELECT id FROM cases')).rows).toEqual([]);
        expect((await client.query('SELECT id FROM case_notes')).rows).toEqual([]);
        expect(
          (await client.query(`SELECT count(*)::int AS n FROM data_keys WHERE scope <> 'system'`))
            .rows[0].n,
        ).toBe(0);
      });
    }
  });

  it('no policy and no function reads the setting except the owner branch of casework_session_service', async () => {
    const readers = await withClient(t.database.superuserUrl, async (client) =>
      (
        await client.query<{ name: string }>(
          `SELECT tablename || '.' || policyname AS name FROM pg_policies
            WHERE schemaname = 'public'
              AND (qual LIKE '%casework.service%' OR with_check LIKE '%casework.service%')
           UNION ALL
           SELECT proname FROM pg_proc
            WHERE pronamespace = 'public'::regnamespace AND prosrc LIKE '%casework.service%'`,
        )
      ).rows.map((row) => row.name),
    );
    expect(readers).toEqual(['casework_session_service']);
  });
});

describe('raw SQL as the sealer login', () => {
  it('reads the log and writes checkpoints, and nothing else', async () => {
    await rawSql(t.database.sealerUrl, null, async (client) => {
      const events = await client.query('SELECT count(*)::int AS n FROM audit_events');
      expect(events.rows[0].n).toBeGreaterThan(0);
      await client.query(
        `INSERT INTO audit_checkpoints (size, note, created_at) VALUES (1, 'signed', now())`,
      );
    });
    for (const statement of [
      'SELECT id FROM cases',
      'SELECT wrapped_key FROM data_keys',
      'SELECT password_hash FROM users',
      'UPDATE audit_events SET detail = NULL',
      'DELETE FROM audit_checkpoints',
    ]) {
      await expect(
        rawSql(t.database.sealerUrl, 'backup', (c) => c.query(statement)),
        statement,
      ).rejects.toThrow(/permission denied/);
    }
  });
});

describe('append-only notes', () => {
  it('cannot be deleted through a setting, not even by the owner, outside an erasure', async () => {
    await expect(
      rawSql(t.database.ownerUrl, 'comeback', async (client) => {
        await client.query(`SELECT set_config('casework.erasing', $1, true)`, [claraCase.id]);
        return client.query('DELETE FROM case_notes WHERE case_id = $1', [claraCase.id]);
      }),
    ).rejects.toThrow(/case_notes is append-only/);
  });
});

describe('the request connection at start', () => {
  it('is refused when it is the owner or a superuser, and accepted as the request login', async () => {
    await expect(checkRequestRole(t.database.ownerUrl, 'DATABASE_URL')).rejects.toThrow(
      /^DATABASE_URL \(postgresql:\/\/casework_owner:\*\*\*@[^)]+\) connects as casework_owner, a role that owns the casework tables: /,
    );
    await expect(checkRequestRole(t.database.superuserUrl, 'DATABASE_URL')).rejects.toThrow(
      /connects as \w+, a superuser: /,
    );
    await expect(checkRequestRole(t.database.appUrl, 'DATABASE_URL')).resolves.toBeUndefined();
  });

  it('is refused while a policy still keys on the setting a request can set itself', async () => {
    await expect(checkRequestLogins(t.database.appUrl, 'DATABASE_URL')).resolves.toBeUndefined();
    const policy = (sql: string) =>
      withClient(t.database.superuserUrl, (client) => client.query(sql));
    await policy(
      `CREATE POLICY late_migration ON follow_ups USING (service::text = current_setting('casework.service', true))`,
    );
    try {
      await expect(checkRequestLogins(t.database.appUrl, 'DATABASE_URL')).rejects.toThrow(
        /row-level security of follow_ups\.late_migration still reads the setting casework\.service/,
      );
    } finally {
      await policy('DROP POLICY late_migration ON follow_ups');
    }
  });
});
