// A server process a test may SIGKILL: the app on the test database given in DATABASE_URL,
// with the test configuration and the given access-log public key, on a random port that it prints as `listening <port>`.
import { buildApp } from '../../server/app.ts';
import { listenOnLoopback, testConfig, withAuditKey } from './test-config.ts';

const [databaseUrl, publicKeyFile] = process.argv.slice(2);
if (!databaseUrl || !publicKeyFile) {
  throw new Error('usage: crash-server-main.ts <database url> <audit public key file>');
}
const app = await buildApp(withAuditKey(testConfig({ databaseUrl }), publicKeyFile));
console.log(`listening ${await listenOnLoopback(app)}`);
