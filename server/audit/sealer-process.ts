import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface SealerProcess {
  stop(): Promise<void>;
}

/**
 * Runs the sealer as a child of `npm start` (the embedded default). Its environment is built
 * from scratch: the database URL and its key file, never the master key.
 */
export async function startSealerProcess(options: {
  databaseUrl: string;
  signingKeyFile: string;
  intervalSeconds: number;
  log: (message: string) => void;
}): Promise<SealerProcess> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'sealer-main.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      CASEWORK_SEALER_DATABASE_URL: options.databaseUrl,
      CASEWORK_AUDIT_SIGNING_KEY_FILE: options.signingKeyFile,
      CASEWORK_CHECKPOINT_INTERVAL_SECONDS: String(options.intervalSeconds),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) =>
      reject(new Error(`the access-log sealer exited during start (code ${code})`)),
    );
  });
  options.log('the access-log sealer is running');
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
