import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config/load-config.ts';

const KEY = Buffer.alloc(32, 1).toString('base64');

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, trustProxy: false });
    expect(config.database.url).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.masterKey).toEqual({
      kind: 'file',
      path: path.resolve('./data/master.key'),
      createIfMissing: true,
    });
    expect(config.totp).toBe('required');
    expect(config.session).toEqual({ idleMinutes: 15, absoluteHours: 10 });
  });

  it('converts and types the settings it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      CASEWORK_TRUST_PROXY: 'true',
      CASEWORK_TOTP: 'optional',
      CASEWORK_DATA_DIR: '/srv/casework',
    });
    // Trusting the proxy means trusting the loopback proxy only, unless others are named.
    expect(config.http).toEqual({ host: '0.0.0.0', port: 8080, trustProxy: ['127.0.0.1', '::1'] });
    expect(config.totp).toBe('optional');
    expect(config.dataDir).toBe('/srv/casework');
  });

  it('trusts only the proxy addresses it is given', () => {
    const config = loadConfig({
      CASEWORK_TRUST_PROXY: 'true',
      CASEWORK_TRUST_PROXY_ADDRESSES: '10.1.2.3, 192.168.0.0/24,fd00::/8',
    });
    expect(config.http.trustProxy).toEqual(['10.1.2.3', '192.168.0.0/24', 'fd00::/8']);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT=abc is invalid: /],
    [
      { CASEWORK_TRUST_PROXY: 'true', CASEWORK_TRUST_PROXY_ADDRESSES: '10.0.0.1,proxy.local' },
      /^CASEWORK_TRUST_PROXY_ADDRESSES=10.0.0.1,proxy.local is invalid: proxy.local is not an IP/,
    ],
    [
      { CASEWORK_TRUST_PROXY: 'true', CASEWORK_TRUST_PROXY_ADDRESSES: '10.0.0.0/33' },
      /^CASEWORK_TRUST_PROXY_ADDRESSES=10.0.0.0\/33 is invalid/,
    ],
    [{ CASEWORK_TRUST_PROXY_ADDRESSES: '10.0.0.1' }, /CASEWORK_TRUST_PROXY is not true/],
    [{ PORT: '70000' }, /^PORT=70000 is invalid: /],
    [{ CASEWORK_TOTP: 'sometimes' }, /^CASEWORK_TOTP=sometimes is invalid/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL=mysql:\/\/x is invalid/],
    [{ CASEWORK_SESSION_IDLE_MINUTES: '0' }, /^CASEWORK_SESSION_IDLE_MINUTES=0 is invalid/],
  ])('refuses %o with one line naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('never repeats a secret in its error', () => {
    const secretPassword = 'hunter2-very-secret';
    const run = () =>
      loadConfig({
        DATABASE_URL: `postgresql://app:${secretPassword}@db/x`,
        CASEWORK_DB_POOL_MAX: 'lots',
      });
    expect(run).toThrow(/CASEWORK_DB_POOL_MAX=lots/);
    expect(() => loadConfig({ CASEWORK_MASTER_KEY: KEY, CASEWORK_MASTER_KEY_FILE: '/k' })).toThrow(
      /both set/,
    );
    let message = '';
    try {
      loadConfig({ DATABASE_URL: `postgresql://app:${secretPassword}@db/x` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/CASEWORK_MASTER_KEY/); // it threw, naming the missing setting
    expect(message).not.toContain(secretPassword);
  });

  it('requires an explicit master key with an external database', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://db/x' })).toThrow(
      /CASEWORK_MASTER_KEY or CASEWORK_MASTER_KEY_FILE must be set/,
    );
    const config = loadConfig({ DATABASE_URL: 'postgresql://db/x', CASEWORK_MASTER_KEY: KEY });
    expect(config.masterKey).toEqual({ kind: 'environment', base64: KEY });
    expect(config.database.migrationUrl).toBe('postgresql://db/x');
  });
});
