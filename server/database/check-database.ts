import { redactUrlPassword } from '../config/load-config.ts';
import { ConfigError } from '../config/load-config.ts';
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
