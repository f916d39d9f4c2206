import type pg from 'pg';
import type { KeyScope } from '../../crypto/index.ts';

/** A counselling service: a key scope with rows of its own. */
export type CounsellingService = Exclude<KeyScope, 'system'>;

/**
 * The roles every casework database uses (SECURITY.md, "Database roles"):
 * - the owner role owns the schema and runs migrations;
 * - the request role group is what the server uses for requests: it owns nothing, cannot
 *   bypass row-level security, and receives grants from the migrations;
 * - its logins: the system login (accounts, the access log; sees no service's rows) and one
 *   login per counselling service, the only way to that service's rows (row-level security
 *   keys on the login, see `casework_session_service()` in the migrations), with the system
 *   login's password;
 * - the sealer's login reads the access log and writes checkpoints, nothing else.
 * With the embedded database they are created here; with DATABASE_URL the operator creates
 * them as README.md explains.
 */
export const OWNER_ROLE = 'casework_owner';
export const REQUEST_ROLE_GROUP = 'casework_request';
export const APP_LOGIN_ROLE = 'casework_app';
export const SEALER_LOGIN_ROLE = 'casework_sealer';
export const SERVICE_LOGIN_ROLES = {
  backup: 'casework_app_backup_service',
  comeback: 'casework_app_comeback_service',
} as const satisfies Record<CounsellingService, string>;

export interface RolePasswords {
  owner: string;
  app: string;
  sealer: string;
}

/** Creates (or updates the passwords of) the roles; idempotent. Needs a superuser client. */
export async function ensureRoles(client: pg.Client, passwords: RolePasswords): Promise<void> {
  await ensureRole(
    client,
    OWNER_ROLE,
    `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE`,
    passwords.owner,
  );
  await ensureRole(client, REQUEST_ROLE_GROUP, 'NOLOGIN NOSUPERUSER NOBYPASSRLS', undefined);
  await ensureRole(client, APP_LOGIN_ROLE, 'LOGIN NOSUPERUSER NOBYPASSRLS INHERIT', passwords.app);
  await client.query(`GRANT ${REQUEST_ROLE_GROUP} TO ${APP_LOGIN_ROLE}`);
  for (const login of Object.values(SERVICE_LOGIN_ROLES)) {
    await ensureRole(client, login, 'LOGIN NOSUPERUSER NOBYPASSRLS INHERIT', passwords.app);
    await client.query(`GRANT ${REQUEST_ROLE_GROUP} TO ${login}`);
  }
  await ensureRole(
    client,
    SEALER_LOGIN_ROLE,
    'LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT',
    passwords.sealer,
  );
}

async function ensureRole(
  client: pg.Client,
  role: string,
  attributes: string,
  password: string | undefined,
): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const verb = found.rowCount ? 'ALTER' : 'CREATE';
  const passwordClause = password ? ` PASSWORD ${client.escapeLiteral(password)}` : '';
  await client.query(`${verb} ROLE ${role} WITH ${attributes}${passwordClause}`);
}

/** Creates `database` owned by the owner role, reachable only by the casework roles. */
export async function ensureDatabase(
  client: pg.Client,
  database: string,
  options: { template?: string } = {},
): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (found.rowCount) return;
  const name = client.escapeIdentifier(database);
  const template = options.template ? ` TEMPLATE ${client.escapeIdentifier(options.template)}` : '';
  await client.query(`CREATE DATABASE ${name} OWNER ${OWNER_ROLE}${template}`);
  await client.query(`REVOKE ALL ON DATABASE ${name} FROM PUBLIC`);
  await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${name} TO ${REQUEST_ROLE_GROUP}`);
  await client.query(`GRANT CONNECT ON DATABASE ${name} TO ${SEALER_LOGIN_ROLE}`);
}

export function roleUrl(
  port: number,
  role: string,
  password: string,
  database: string,
  host = '127.0.0.1',
): string {
  return `postgresql://${role}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
}

/** The URL of a counselling service's login: the system login's URL with the user replaced. */
export function serviceLoginUrl(systemUrl: string, service: CounsellingService): string {
  const url = new URL(systemUrl);
  url.username = SERVICE_LOGIN_ROLES[service];
  return url.toString();
}
