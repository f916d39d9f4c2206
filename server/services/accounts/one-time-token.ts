import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits for a link; only the SHA-256 is stored, so a dump holds no usable link. */
export function newOneTimeToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOneTimeToken(token) };
}

export function hashOneTimeToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
