// A server process a test may SIGKILL: the app on the test database given in DATABASE_URL,
// with the test configuration and the given access-log public key, on a random port that it prints as `listening <port>`.
import { buildApp } from '../../server/app.ts';
import { testConfig } from './test-config.ts';

const [databaseUrl, publicKeyFile] = process.argv.slice(2);
if (!databaseUrl || !publicKeyFile) {
  throw new Error('usage: crash-server-main.ts <database url> <audit public key file>');
}
const config = testConfig({ databaseUrl });
const app = await buildApp({ ...config, audit: { ...config.audit, publicKeyFile } });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
