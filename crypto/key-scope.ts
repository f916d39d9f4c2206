/** Whose keys: a counselling service, or 'system' for data of no service (e.g. admins' TOTP). */
export type KeyScope = 'backup' | 'comeback' | 'system';

export const KEY_SCOPES: readonly KeyScope[] = ['backup', 'comeback', 'system'];

/** One version of one scope's service root key. */
export type ServiceKeyId = { scope: KeyScope; version: number };

export function isKeyScope(value: unknown): value is KeyScope {
  return value === 'backup' || value === 'comeback' || value === 'system';
}
