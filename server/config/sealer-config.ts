import path from 'node:path';
import Type from 'typebox';
import Value from 'typebox/value';
import { ConfigError } from './load-config.ts';

/**
 * The sealer's own settings: its signing key and the database. It never sees the master key,
 * and the web server never sees the signing key (SECURITY.md, access log).
 */
const SealerEnvironment = Type.Object({
  CASEWORK_SEALER_DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  CASEWORK_AUDIT_SIGNING_KEY_FILE: Type.String({ minLength: 1 }),
  CASEWORK_CHECKPOINT_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 300 }),
});

export interface SealerConfig {
  databaseUrl: string;
  signingKeyFile: string;
  intervalSeconds: number;
}

export function loadSealerConfig(env: NodeJS.ProcessEnv = process.env): SealerConfig {
  const known = Object.fromEntries(
    Object.keys(SealerEnvironment.properties).flatMap((name) =>
      env[name] ? [[name, env[name]]] : [],
    ),
  );
  const converted = Value.Convert(
    SealerEnvironment,
    Value.Default(SealerEnvironment, { ...known }),
  );
  const error = Value.Errors(SealerEnvironment, converted)[0];
  if (error || !Value.Check(SealerEnvironment, converted)) {
    throw new ConfigError(
      `${error?.instancePath.replace(/^\//, '') || 'sealer environment'} is invalid: ${error?.message ?? ''}`,
    );
  }
  return {
    databaseUrl: converted.CASEWORK_SEALER_DATABASE_URL,
    signingKeyFile: path.resolve(converted.CASEWORK_AUDIT_SIGNING_KEY_FILE),
    intervalSeconds: converted.CASEWORK_CHECKPOINT_INTERVAL_SECONDS,
  };
}
