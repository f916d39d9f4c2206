import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../server/errors/app-error.ts';
import { assertAcceptablePassword } from '../../../../server/services/accounts/password-policy.ts';
import {
  ARGON2_OPTIONS,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../../../server/services/accounts/password-hashing.ts';

const refusal = async (password: string, username = 'anna.berger') => {
  try {
    await assertAcceptablePassword(password, { username });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  }
};

describe('password policy (ASVS 5: length, no composition rules, no guessable passwords)', () => {
  it.each([
    ['Kurz', 'too short'],
    ['elf Zeichen', '11 characters'],
    ['passwortpasswort', 'a repeated German word'],
    ['Sommer2024Sommer', 'a season and a year'],
    ['anna.berger2026!', 'the user name'],
    ['casework2026', 'the product and a year'],
    ['Fallverwaltung123', 'a product word and digits'],
    ['qwertzuiopasdfgh', 'a German keyboard row'],
    ['x'.repeat(129), 'over 128 characters'],
  ])('refuses %s (%s)', async (password) => {
    expect(await refusal(password)).toBe('weak_password');
  });

  it.each([
    'Leuchtturm Brezel Gewitter Akkordeon',
    'korrekt pferd batterie heftklammer',
    'wie-viele-Möwen-sitzen-am-Deich?',
  ])('accepts %s without any composition rule', async (password) => {
    expect(await refusal(password)).toBeUndefined();
  });

  it('counts characters, not bytes', async () => {
    expect(await refusal('äöüßäöüßäöü')).toBe('weak_password'); // 11 characters, 22 bytes
  });
});

describe('password hashing', () => {
  it('uses argon2id at the OWASP parameters and verifies only the right password', async () => {
    const hash = await hashPassword('Leuchtturm Brezel Gewitter');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(ARGON2_OPTIONS).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(await verifyPassword(hash, 'Leuchtturm Brezel Gewitter')).toBe(true);
    expect(await verifyPassword(hash, 'Leuchtturm Brezel Gewitte')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it('asks for a re-hash of weaker old hashes', async () => {
    const argon2 = (await import('argon2')).default;
    const old = await argon2.hash('x', {
      type: argon2.argon2id,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    expect(needsRehash(old)).toBe(true);
  });
});
