import { redactUrlPassword } from '../config/load-config.ts';
import { ConfigError } from '../config/load-config.ts';
import { SERVICE_LOGIN_ROLES, serviceLoginUrl, type CounsellingService } from './database-roles.ts';
import { withClient } from './pg-client.ts';

/** Fails with one line naming the setting when the database does not answer. */
export async function checkDatabaseAnswers(url: string, setting: string): Promise<void> {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`${setting} (${redactUrlPassword(url)}) does not answer: ${reason}`);
  }
}

/**
 * Checks the system login and, derived from it, each counselling service's login: each must
 * answer and pass `checkRequestRole`, so that one misconfigured login cannot undo the
 * separation the others keep.
 */
export async function checkRequestLogins(url: string, setting: string): Promise<void> {
  await checkRequestRole(url, setting);
  await checkPoliciesKeyOnLogins(url);
  for (const service of Object.keys(SERVICE_LOGIN_ROLES) as CounsellingService[]) {
    const serviceUrl = serviceLoginUrl(url, service);
    await checkDatabaseAnswers(
      serviceUrl,
      `${setting} for ${service} (the login ${SERVICE_LOGIN_ROLES[service]}, with the same password)`,
    );
    await checkRequestRole(serviceUrl, `${setting} for ${service}`);
  }
}

/**
 * Refuses a request connection that row-level security would not hold: a superuser, a role
 * with BYPASSRLS, or a member of a role that owns a casework table (an owner bypasses RLS
 * unless it is forced, and may drop the policies). Setting only DATABASE_URL to the owner's
 * URL would otherwise run every request with the owner's rights, unnoticed.
 */
export async function checkRequestRole(url: string, setting: string): Promise<void> {
  const found = await withClient(url, (client) =>
    client.query<{ role: string; superuser: boolean; bypassrls: boolean; owner: boolean }>(
      `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls,
              EXISTS (SELECT 1 FROM pg_class c
                       WHERE c.relnamespace = current_schema()::regnamespace
                         AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                         AND pg_has_role(current_user, c.relowner, 'MEMBER')) AS owner
         FROM pg_roles r WHERE r.rolname = current_user`,
    ),
  );
  const row = found.rows[0];
  const why = !row
    ? 'an unknown role'
    : row.superuser
      ? 'a superuser'
      : row.bypassrls
        ? 'a role that bypasses row-level security'
        : row.owner
          ? 'a role that owns the casework tables'
          : undefined;
  if (why) {
    throw new ConfigError(
      `${setting} (${redactUrlPassword(url)}) connects as ${row?.role ?? 'its user'}, ${why}: requests must use the request login role (README, "An external PostgreSQL")`,
    );
  }
}

/**
 * Refuses a schema in which a policy or function still reads the setting `casework.service`
 * (the owner's maintenance branch of `casework_session_service()` aside): a migration written
 * before the per-service logins and applied after them would let request SQL choose a service.
 */
async function checkPoliciesKeyOnLogins(url: string): Promise<void> {
  const found = await withClient(url, (client) =>
    client.query<{ name: string }>(
      `SELECT tablename || '.' || policyname AS name FROM pg_policies
        WHERE schemaname = current_schema()
          AND (qual LIKE '%casework.service%' OR with_check LIKE '%casework.service%')
       UNION ALL
       SELECT proname FROM pg_proc
        WHERE pronamespace = current_schema()::regnamespace
          AND proname <> 'casework_session_service' AND prosrc LIKE '%casework.service%'
       ORDER BY 1`,
    ),
  );
  if (found.rows.length > 0) {
    throw new ConfigError(
      `row-level security of ${found.rows.map((row) => row.name).join(', ')} still reads the setting casework.service, which request SQL can set: the database needs the migration that keys it on the login (SECURITY.md, "Separation, as built")`,
    );
  }
}
