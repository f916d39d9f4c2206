import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, stripQuery } from '../../../server/logging.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino(loggerOptions({ logLevel: 'info' }) as pino.LoggerOptions, stream);
  return { logger, text: () => lines.join('') };
}

describe('log redaction', () => {
  it('keeps credentials, cookies, CSRF tokens and bodies out of log lines', () => {
    const { logger, text } = capture();
    logger.info({
      req: {
        id: 'r1',
        method: 'POST',
        url: '/api/auth/login',
        headers: { cookie: 'casework_session=SESSION-SECRET', 'x-csrf-token': 'CSRF-SECRET' },
      },
      login: { username: 'anna', password: 'PASSWORD-SECRET', totp: '123456' },
      request: { body: { person: { name: 'Erika Mustermann' } } },
    });
    const out = text();
    for (const secret of [
      'SESSION-SECRET',
      'CSRF-SECRET',
      'PASSWORD-SECRET',
      '123456',
      'Mustermann',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('/api/auth/login');
  });

  it('logs request URLs without their query string, which may hold a search term', () => {
    const { logger, text } = capture();
    logger.info({ req: { id: 'r2', method: 'GET', url: '/api/cases?q=Erika%20Mustermann' } });
    expect(text()).not.toContain('Mustermann');
    expect(text()).toContain('/api/cases?[query omitted]');
    expect(stripQuery('/api/health')).toBe('/api/health');
  });
});
