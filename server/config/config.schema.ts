import Type from 'typebox';

/**
 * Every setting casework reads from the environment. Nothing else in the code base reads
 * `process.env`: the server, the CLI and the tests all go through `loadConfig`.
 */
export const EnvironmentSchema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  CASEWORK_MIGRATION_DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** The sealer's own login, for the sealer that npm start runs next to an external database. */
  CASEWORK_SEALER_DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  CASEWORK_DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  CASEWORK_MASTER_KEY: Type.Optional(Type.String({ minLength: 1 })),
  CASEWORK_MASTER_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  CASEWORK_TOTP: Type.Union([Type.Literal('required'), Type.Literal('optional')], {
    default: 'required',
  }),
  CASEWORK_LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  CASEWORK_SESSION_IDLE_MINUTES: Type.Integer({ minimum: 1, maximum: 24 * 60, default: 15 }),
  CASEWORK_SESSION_ABSOLUTE_HOURS: Type.Integer({ minimum: 1, maximum: 7 * 24, default: 10 }),
  CASEWORK_TRUST_PROXY: Type.Boolean({ default: false }),
  /** Only these proxies' X-Forwarded-* headers are believed (addresses or CIDR ranges). */
  CASEWORK_TRUST_PROXY_ADDRESSES: Type.String({ minLength: 1, default: '127.0.0.1,::1' }),
  CASEWORK_DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  CASEWORK_AUDIT_CLIENT_ADDRESS: Type.Union(
    [Type.Literal('full'), Type.Literal('truncated'), Type.Literal('none')],
    { default: 'truncated' },
  ),
  CASEWORK_WEB_DIR: Type.Optional(Type.String({ minLength: 1 })),
  CASEWORK_AUDIT_SIGNING_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  CASEWORK_AUDIT_PUBLIC_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  CASEWORK_AUDIT_SEALER: Type.Union([Type.Literal('child'), Type.Literal('external')], {
    default: 'child',
  }),
  CASEWORK_CHECKPOINT_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 300 }),
  CASEWORK_ANOMALY_CASES_PER_HOUR: Type.Integer({ minimum: 1, maximum: 10_000, default: 20 }),
  CASEWORK_ANOMALY_DENIALS_PER_DAY: Type.Integer({ minimum: 1, maximum: 10_000, default: 5 }),
  CASEWORK_WORKING_HOURS: Type.String({
    pattern: '^([01][0-9]|2[0-3])-([01][0-9]|2[0-4])$',
    default: '07-20',
  }),
  CASEWORK_TIME_ZONE: Type.String({ minLength: 1, default: 'Europe/Berlin' }),
  /** Retention (SECURITY.md, Erasure and retention): closed cases are erased this long after closing. */
  CASEWORK_RETENTION_BACKUP_CLOSED_CASE_YEARS: Type.Integer({
    minimum: 1,
    maximum: 30,
    default: 3,
  }),
  CASEWORK_RETENTION_COMEBACK_CLOSED_CASE_YEARS: Type.Integer({
    minimum: 1,
    maximum: 30,
    default: 5,
  }),
  /** Appointments that belong to no case are erased this many months after they ended. */
  CASEWORK_RETENTION_APPOINTMENT_MONTHS: Type.Integer({ minimum: 1, maximum: 360, default: 12 }),
  /** Incidents linked to no case are erased this many months after their last change. */
  CASEWORK_RETENTION_UNLINKED_INCIDENT_MONTHS: Type.Integer({
    minimum: 1,
    maximum: 360,
    default: 36,
  }),
  /** Hours between two retention sweeps inside the server; 0 turns the sweep off. */
  CASEWORK_RETENTION_SWEEP_HOURS: Type.Integer({ minimum: 0, maximum: 24 * 7, default: 24 }),
  /** Statistics: counts from 1 to k-1 are suppressed (SECURITY.md, Statistics). */
  CASEWORK_STATS_MIN_CELL: Type.Integer({ minimum: 2, maximum: 100, default: 5 }),
  /** Documents: the largest file one upload may hold, in MiB (SECURITY.md, Documents). */
  CASEWORK_DOCUMENT_MAX_MB: Type.Integer({ minimum: 1, maximum: 2048, default: 100 }),
  /** Documents: all files of one case together, in MiB. */
  CASEWORK_DOCUMENT_CASE_MAX_MB: Type.Integer({ minimum: 1, maximum: 65536, default: 1000 }),
});

export type Environment = Type.Static<typeof EnvironmentSchema>;

export type TotpPolicy = Environment['CASEWORK_TOTP'];
export type ClientAddressPolicy = Environment['CASEWORK_AUDIT_CLIENT_ADDRESS'];

/** Where the master key comes from, resolved but not yet read. */
export type MasterKeySource =
  | { kind: 'environment'; base64: string }
  | { kind: 'file'; path: string; createIfMissing: boolean };

export interface Config {
  /** trustProxy: false, or the addresses of the TLS proxies whose forwarded headers count. */
  http: { host: string; port: number; trustProxy: false | string[] };
  /** Unset: casework runs its own PostgreSQL cluster under `dataDir`. */
  database: { url?: string; migrationUrl?: string; sealerUrl?: string; poolMax: number };
  dataDir: string;
  webDir: string;
  masterKey: MasterKeySource;
  totp: TotpPolicy;
  logLevel: Environment['CASEWORK_LOG_LEVEL'];
  session: { idleMinutes: number; absoluteHours: number };
  audit: {
    clientAddress: ClientAddressPolicy;
    /** Read only by the sealer process (SECURITY.md, access log). */
    signingKeyFile: string;
    publicKeyFile: string;
    /** `child`: npm start runs the sealer; `external`: it runs as a service of its own. */
    sealer: 'child' | 'external';
    checkpointIntervalSeconds: number;
    /** Thresholds of the anomaly flags shown to auditors. */
    anomalies: AnomalyThresholds;
  };
  retention: RetentionPolicy;
  /** Statistics for team leads: k of the small-cell suppression. */
  stats: { minCellSize: number };
  /** Size limits of uploaded documents, in bytes. */
  documents: DocumentLimits;
}

export interface DocumentLimits {
  maxFileBytes: number;
  maxCaseBytes: number;
}

/** How long records are kept; see SECURITY.md, Erasure and retention. */
export interface RetentionPolicy {
  closedCaseYears: { backup: number; comeback: number };
  appointmentMonths: number;
  unlinkedIncidentMonths: number;
  /** 0: no sweep inside the server (run `casework retention run` instead). */
  sweepHours: number;
}

export interface AnomalyThresholds {
  casesPerHour: number;
  denialsPerDay: number;
  workingHours: { from: number; to: number };
  timeZone: string;
}
