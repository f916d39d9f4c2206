import argon2 from 'argon2';

/**
 * argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet, 2025): 19 MiB of
 * memory, 2 iterations, parallelism 1. Hashes made with other parameters are re-hashed at the
 * next successful sign-in (SECURITY.md, accounts).
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}

export function needsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, ARGON2_OPTIONS);
}

/**
 * A hash of a random password, verified when the user name is unknown, so that an unknown
 * user and a wrong password take the same time (no enumeration by timing).
 */
let dummyHash: Promise<string> | undefined;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}
