import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import {
  hashRecoveryCode,
  legacyRecoveryCodeHash,
  recoveryCodeKey,
  looksLikeRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  totpUri,
} from '../../../../server/services/accounts/totp.ts';
import { recordedAddress } from '../../../../server/services/audit-log.ts';

const KEY = recoveryCodeKey(new Uint8Array(32).fill(1));

describe('TOTP', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const epoch = now.getTime() / 1000;

  it('accepts the current code and one step of drift, and names its time step', async () => {
    const secret = newTotpSecret();
    expect(await matchTotp(secret, await generate({ secret, epoch }), now)).toBe(
      Math.floor(epoch / 30),
    );
    expect(await matchTotp(secret, await generate({ secret, epoch: epoch - 30 }), now)).toBe(
      Math.floor(epoch / 30) - 1,
    );
    expect(await matchTotp(secret, await generate({ secret, epoch: epoch - 90 }), now)).toBeNull();
    expect(await matchTotp(secret, 'abcdef', now)).toBeNull();
  });

  it('makes authenticator URIs for the issuer casework', () => {
    expect(totpUri('anna', 'JBSWY3DPEHPK3PXP')).toMatch(
      /^otpauth:\/\/totp\/casework:anna\?.*secret=JBSWY3DPEHPK3PXP/,
    );
  });

  it('makes ten distinct recovery codes that hash the same however they are typed', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
      expect(looksLikeRecoveryCode(code)).toBe(true);
      expect(hashRecoveryCode(code.toLowerCase().replace('-', ''), KEY)).toBe(
        hashRecoveryCode(code, KEY),
      );
    }
    expect(looksLikeRecoveryCode('123456')).toBe(false);
  });

  it('hashes recovery codes under the server key: a dump alone does not reveal them', () => {
    const [code] = newRecoveryCodes();
    const otherKey = recoveryCodeKey(new Uint8Array(32).fill(2));
    expect(hashRecoveryCode(code!, KEY)).not.toBe(hashRecoveryCode(code!, otherKey));
    // Without the key, the unkeyed hash of the code (what an offline search would try) differs.
    expect(hashRecoveryCode(code!, KEY)).not.toContain(legacyRecoveryCodeHash(code!));
  });
});

describe('client addresses in the access log', () => {
  it.each([
    ['full', '203.0.113.57', '203.0.113.57'],
    ['truncated', '203.0.113.57', '203.0.113.0'],
    ['truncated', '::ffff:203.0.113.57', '203.0.113.0'],
    ['truncated', '2001:db8:abcd:12::1', '2001:db8:abcd::'],
    ['none', '203.0.113.57', null],
  ] as const)('%s keeps %s as %s', (policy, address, expected) => {
    expect(recordedAddress(address, policy)).toBe(expected);
  });
});
