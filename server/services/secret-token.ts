import { createHash, randomBytes } from 'node:crypto';

/**
 * 256 random bits for a link or a feed URL; only the SHA-256 is stored, so a dump holds no
 * usable link. The bits make a slow hash unnecessary: there is nothing to guess.
 */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
