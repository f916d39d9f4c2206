import { createHash, createHmac, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';

/** TOTP as docs/api.md fixes it: base32 secret, SHA-1, 6 digits, 30-second steps. */
export const TOTP_ISSUER = 'casework';
// One step of drift either way: phones' clocks are rarely exact.
const TOLERANCE_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(username: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: username, secret });
}

/** The time step the code belongs to, or null when it is not valid now. */
export async function matchTotp(secret: string, code: string, now: Date): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOLERANCE_SECONDS,
  });
  // The functional API's result type also covers HOTP; a TOTP match carries its time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/**
 * Recovery codes: ten codes of 50 random bits each, shown once, typed with or without the
 * dash, in any case. Stored as HMAC-SHA-256 under a key derived from the master key, so a
 * database dump alone cannot be searched for them offline.
 */
const RECOVERY_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]);
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
  });
}

export function looksLikeRecoveryCode(input: string): boolean {
  return /^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$/.test(input.trim());
}

const normaliseRecoveryCode = (code: string) => code.trim().toUpperCase().replace('-', '');

/** The key recovery codes are hashed under; never stored, derived at start. */
export function recoveryCodeKey(masterKey: Uint8Array): Buffer {
  return createHmac('sha256', masterKey).update('casework/recovery-code/v2').digest();
}

export function hashRecoveryCode(code: string, key: Uint8Array): string {
  return `v2:${createHmac('sha256', key).update(normaliseRecoveryCode(code)).digest('hex')}`;
}

/** Codes issued before the keyed hash; still accepted until used or replaced. */
export function legacyRecoveryCodeHash(code: string): string {
  const normalised = normaliseRecoveryCode(code);
  return createHash('sha256').update(`casework/recovery-code/v1:${normalised}`).digest('hex');
}
