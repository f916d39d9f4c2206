import net from 'node:net';
import path from 'node:path';
import Value from 'typebox/value';
import { EnvironmentSchema, type Config, type MasterKeySource } from './config.schema.ts';

/** A setting that stops the start. Its message is one line that names the setting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * Validates the environment once and returns the typed configuration. Unknown variables
 * are ignored (the environment holds much else); known ones must be valid.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = pickKnownSettings(env);
  // Default and Convert work in place: keep `known` as given, for the error message.
  const converted = Value.Convert(
    EnvironmentSchema,
    Value.Default(EnvironmentSchema, structuredClone(known)),
  );
  const firstError = Value.Errors(EnvironmentSchema, converted)[0];
  if (firstError) {
    const setting = firstError.instancePath.replace(/^\//, '') || 'environment';
    const given = known[setting];
    throw new ConfigError(
      `${setting}${given === undefined ? '' : `=${describeValue(setting, given)}`} is invalid: ${firstError.message}`,
    );
  }
  if (!Value.Check(EnvironmentSchema, converted)) {
    throw new ConfigError('the environment does not match the configuration schema');
  }
  const env_ = converted;
  if (env_.CASEWORK_MASTER_KEY && env_.CASEWORK_MASTER_KEY_FILE) {
    throw new ConfigError(
      'CASEWORK_MASTER_KEY and CASEWORK_MASTER_KEY_FILE are both set: choose one source for the master key',
    );
  }
  if (known.CASEWORK_TRUST_PROXY_ADDRESSES && !env_.CASEWORK_TRUST_PROXY) {
    throw new ConfigError(
      'CASEWORK_TRUST_PROXY_ADDRESSES is set but CASEWORK_TRUST_PROXY is not true',
    );
  }
  if (env_.CASEWORK_SEALER_DATABASE_URL && !env_.DATABASE_URL) {
    throw new ConfigError('CASEWORK_SEALER_DATABASE_URL is set but DATABASE_URL is not');
  }
  if (env_.CASEWORK_MIGRATION_DATABASE_URL && !env_.DATABASE_URL) {
    throw new ConfigError('CASEWORK_MIGRATION_DATABASE_URL is set but DATABASE_URL is not');
  }

  const dataDir = path.resolve(env_.CASEWORK_DATA_DIR);
  const signingKeyFile = path.resolve(
    env_.CASEWORK_AUDIT_SIGNING_KEY_FILE ?? path.join(dataDir, 'audit-signing.key'),
  );
  return {
    http: {
      host: env_.HOST,
      port: env_.PORT,
      trustProxy: env_.CASEWORK_TRUST_PROXY
        ? proxyAddresses(env_.CASEWORK_TRUST_PROXY_ADDRESSES)
        : false,
    },
    database: {
      url: env_.DATABASE_URL,
      migrationUrl: env_.CASEWORK_MIGRATION_DATABASE_URL ?? env_.DATABASE_URL,
      sealerUrl: env_.CASEWORK_SEALER_DATABASE_URL,
      poolMax: env_.CASEWORK_DB_POOL_MAX,
    },
    dataDir,
    webDir: path.resolve(env_.CASEWORK_WEB_DIR ?? path.join(REPOSITORY_ROOT, 'web', 'build')),
    masterKey: resolveMasterKeySource(env_.CASEWORK_MASTER_KEY, env_.CASEWORK_MASTER_KEY_FILE, {
      dataDir,
      embedded: env_.DATABASE_URL === undefined,
    }),
    totp: env_.CASEWORK_TOTP,
    logLevel: env_.CASEWORK_LOG_LEVEL,
    session: {
      idleMinutes: env_.CASEWORK_SESSION_IDLE_MINUTES,
      absoluteHours: env_.CASEWORK_SESSION_ABSOLUTE_HOURS,
    },
    audit: {
      clientAddress: env_.CASEWORK_AUDIT_CLIENT_ADDRESS,
      signingKeyFile: signingKeyFile,
      publicKeyFile: path.resolve(env_.CASEWORK_AUDIT_PUBLIC_KEY_FILE ?? `${signingKeyFile}.pub`),
      sealer: env_.CASEWORK_AUDIT_SEALER,
      checkpointIntervalSeconds: env_.CASEWORK_CHECKPOINT_INTERVAL_SECONDS,
      anomalies: {
        casesPerHour: env_.CASEWORK_ANOMALY_CASES_PER_HOUR,
        denialsPerDay: env_.CASEWORK_ANOMALY_DENIALS_PER_DAY,
        workingHours: workingHours(env_.CASEWORK_WORKING_HOURS),
        timeZone: timeZone(env_.CASEWORK_TIME_ZONE),
      },
    },
    retention: {
      closedCaseYears: {
        backup: env_.CASEWORK_RETENTION_BACKUP_CLOSED_CASE_YEARS,
        comeback: env_.CASEWORK_RETENTION_COMEBACK_CLOSED_CASE_YEARS,
      },
      appointmentMonths: env_.CASEWORK_RETENTION_APPOINTMENT_MONTHS,
      unlinkedIncidentMonths: env_.CASEWORK_RETENTION_UNLINKED_INCIDENT_MONTHS,
      sweepHours: env_.CASEWORK_RETENTION_SWEEP_HOURS,
    },
    stats: { minCellSize: env_.CASEWORK_STATS_MIN_CELL },
    documents: {
      maxFileBytes: env_.CASEWORK_DOCUMENT_MAX_MB * 1024 * 1024,
      maxCaseBytes: env_.CASEWORK_DOCUMENT_CASE_MAX_MB * 1024 * 1024,
    },
  };
}

/**
 * The proxies whose X-Forwarded-For/-Proto are believed: any other peer's headers are ignored,
 * so a client that reaches casework past the proxy (or a proxy that appends to the header)
 * cannot choose the address that rate limits and the access log see.
 */
function proxyAddresses(list: string): string[] {
  const entries = list.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const version = net.isIP(address);
    const maxBits = version === 6 ? 128 : 32;
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (version === 0 || !validBits || rest.length > 0) {
      throw new ConfigError(
        `CASEWORK_TRUST_PROXY_ADDRESSES=${list} is invalid: ${entry || '(empty)'} is not an IP address or CIDR range`,
      );
    }
  }
  return entries;
}

function pickKnownSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  const known: Record<string, string> = {};
  for (const name of Object.keys(EnvironmentSchema.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') known[name] = value;
  }
  return known;
}

/** Secrets never appear in an error message; a database URL loses its password. */
function describeValue(setting: string, value: string): string {
  // Values come from the environment: printable, and echoed so the operator sees the typo.
  if (setting === 'CASEWORK_MASTER_KEY') return '<hidden>';
  if (setting.endsWith('DATABASE_URL')) return redactUrlPassword(value);
  return value;
}

export function redactUrlPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

function workingHours(setting: string): { from: number; to: number } {
  const [from, to] = setting.split('-').map(Number) as [number, number];
  if (from >= to)
    throw new ConfigError(
      `CASEWORK_WORKING_HOURS=${setting} is invalid: the start must come before the end`,
    );
  return { from, to };
}

function timeZone(setting: string): string {
  try {
    new Intl.DateTimeFormat('de-DE', { timeZone: setting });
    return setting;
  } catch {
    throw new ConfigError(`CASEWORK_TIME_ZONE=${setting} is invalid: not an IANA time zone`);
  }
}

function resolveMasterKeySource(
  base64: string | undefined,
  file: string | undefined,
  defaults: { dataDir: string; embedded: boolean },
): MasterKeySource {
  if (base64) return { kind: 'environment', base64 };
  if (file) return { kind: 'file', path: path.resolve(file), createIfMissing: false };
  if (!defaults.embedded) {
    throw new ConfigError(
      'CASEWORK_MASTER_KEY or CASEWORK_MASTER_KEY_FILE must be set when DATABASE_URL is set (the generated key file is only for the embedded database)',
    );
  }
  return {
    kind: 'file',
    path: path.join(defaults.dataDir, 'master.key'),
    createIfMissing: true,
  };
}
