import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptString,
  DecryptionError,
  deriveServiceSubkeys,
  encryptField,
  generateDataKey,
  generateServiceRootKey,
  initCrypto,
  KeyShreddedError,
  masterKeyId,
  readWrappedDataKeyVersions,
  readWrappedRootKeyInfo,
  rewrapDataKey,
  rewrapServiceRootKey,
  shredDataKey,
  unwrapDataKey,
  unwrapServiceRootKey,
  wrapDataKey,
  wrapServiceRootKey,
  type DataKeyOwner,
  type FieldPlace,
  type KeyScope,
  type ServiceSubkeys,
  type WrappingKey,
} from '../../../crypto/index.ts';

await initCrypto();

const newMasterKey = (): Uint8Array => generateServiceRootKey();

function serviceKeys(scope: KeyScope, version: number): ServiceSubkeys {
  return deriveServiceSubkeys(generateServiceRootKey(), { scope, version });
}

function newCaseOwner(scope: KeyScope, keyVersion: number): DataKeyOwner {
  return { scope, ownerType: 'case', ownerId: randomUUID(), keyVersion };
}

function fieldOf(owner: DataKeyOwner, column = 'client_name'): FieldPlace {
  return { scope: owner.scope, table: 'cases', column, recordId: owner.ownerId };
}

function expectDecryptionError(run: () => unknown, reason?: DecryptionError['reason']): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    if (reason !== undefined) expect((error as DecryptionError).reason).toBe(reason);
    return;
  }
  throw new Error('expected a DecryptionError');
}

describe('service root keys under the master key', () => {
  const master = newMasterKey();
  const id = { scope: 'backup' as const, version: 1 };

  it('round-trips and records version and master key id in the clear header', () => {
    const root = generateServiceRootKey();
    const wrapped = wrapServiceRootKey(master, id, root);
    expect([...unwrapServiceRootKey(master, id, wrapped)]).toEqual([...root]);
    expect(readWrappedRootKeyInfo(wrapped)).toEqual({
      version: 1,
      masterKeyId: masterKeyId(master),
    });
  });

  it('refuses another master key, scope or version', () => {
    const wrapped = wrapServiceRootKey(master, id, generateServiceRootKey());
    expectDecryptionError(() => unwrapServiceRootKey(newMasterKey(), id, wrapped), 'wrong_key');
    expectDecryptionError(() =>
      unwrapServiceRootKey(master, { ...id, scope: 'comeback' }, wrapped),
    );
    expectDecryptionError(
      () => unwrapServiceRootKey(master, { ...id, version: 2 }, wrapped),
      'wrong_key',
    );
  });

  it('refuses a forged master key id (the header is authenticated)', () => {
    const other = newMasterKey();
    const wrapped = wrapServiceRootKey(master, id, generateServiceRootKey());
    const forged = wrapped.slice();
    forged.set(Buffer.from(masterKeyId(other), 'hex'), 6);
    expectDecryptionError(() => unwrapServiceRootKey(other, id, forged), 'authentication_failed');
  });

  it('detects any changed byte', () => {
    const wrapped = wrapServiceRootKey(master, id, generateServiceRootKey());
    for (let i = 0; i < wrapped.length; i++) {
      const tampered = wrapped.slice();
      tampered[i]! ^= 0x20;
      expectDecryptionError(() => unwrapServiceRootKey(master, id, tampered));
    }
  });

  it('after master-key rotation, unwraps with the new master key only', () => {
    const root = generateServiceRootKey();
    const oldWrapped = wrapServiceRootKey(master, id, root);
    const newMaster = newMasterKey();
    const newWrapped = rewrapServiceRootKey(master, newMaster, id, oldWrapped);
    expect([...unwrapServiceRootKey(newMaster, id, newWrapped)]).toEqual([...root]);
    expectDecryptionError(() => unwrapServiceRootKey(master, id, newWrapped), 'wrong_key');
    expect(readWrappedRootKeyInfo(newWrapped).masterKeyId).toBe(masterKeyId(newMaster));
  });
});

describe('service subkeys', () => {
  it('derive the same keys from the same root key and unrelated keys per purpose', () => {
    const root = generateServiceRootKey();
    const a = deriveServiceSubkeys(root, { scope: 'backup', version: 1 });
    const b = deriveServiceSubkeys(root, { scope: 'backup', version: 1 });
    expect([...a.wrappingKey.bytes]).toEqual([...b.wrappingKey.bytes]);
    expect([...a.blindIndexKey('client_name').bytes]).toEqual([
      ...b.blindIndexKey('client_name').bytes,
    ]);
    const all = [
      a.wrappingKey.bytes,
      a.statisticsKey,
      a.blindIndexKey('client_name').bytes,
      a.blindIndexKey('case_number').bytes,
      a.blindIndexKey('court_file_number').bytes,
      root,
    ].map((bytes) => Buffer.from(bytes).toString('hex'));
    expect(new Set(all).size).toBe(all.length);
  });

  it('carry scope and version, and keep working after the caller wipes its root key', () => {
    const root = generateServiceRootKey();
    const keys = deriveServiceSubkeys(root, { scope: 'comeback', version: 4 });
    const before = Buffer.from(keys.blindIndexKey('a').bytes).toString('hex');
    root.fill(0);
    expect(keys.wrappingKey).toMatchObject({ scope: 'comeback', version: 4 });
    expect(keys.blindIndexKey('b')).toMatchObject({ scope: 'comeback', version: 4, field: 'b' });
    expect(Buffer.from(keys.blindIndexKey('a').bytes).toString('hex')).toBe(before);
  });

  it('wipe everything on destroy', () => {
    const keys = serviceKeys('backup', 1);
    const index = keys.blindIndexKey('client_name');
    keys.destroy();
    for (const bytes of [keys.wrappingKey.bytes, keys.statisticsKey, index.bytes]) {
      expect(bytes.every((byte) => byte === 0)).toBe(true);
    }
    expect(() => keys.blindIndexKey('client_name')).toThrow();
  });
});

describe('data keys', () => {
  const backup = serviceKeys('backup', 1);

  it('round-trip through wrapping, keeping their version', () => {
    const owner = newCaseOwner('backup', 1);
    const key = generateDataKey(3);
    const unwrapped = unwrapDataKey(
      backup.wrappingKey,
      owner,
      wrapDataKey(backup.wrappingKey, owner, key),
    );
    expect(unwrapped.version).toBe(3);
    expect([...unwrapped.bytes]).toEqual([...key.bytes]);
  });

  it('are random, never derived', () => {
    const seen = new Set(
      Array.from({ length: 100 }, () => Buffer.from(generateDataKey().bytes).toString('hex')),
    );
    expect(seen.size).toBe(100);
  });

  it('refuse to unwrap for another owner type, owner id or scope', () => {
    const owner = newCaseOwner('backup', 1);
    const wrapped = wrapDataKey(backup.wrappingKey, owner, generateDataKey());
    expectDecryptionError(() =>
      unwrapDataKey(backup.wrappingKey, { ...owner, ownerType: 'incident' }, wrapped),
    );
    expectDecryptionError(() =>
      unwrapDataKey(backup.wrappingKey, { ...owner, ownerId: randomUUID() }, wrapped),
    );
    // A wrapping key labelled as another service is refused before any decryption ...
    expect(() =>
      unwrapDataKey(backup.wrappingKey, { ...owner, scope: 'comeback' }, wrapped),
    ).toThrow(TypeError);
    // ... and ComeBack's real key, even mislabelled as BackUp's, cannot open it.
    const comeback = serviceKeys('comeback', 1);
    const mislabelled: WrappingKey = { ...comeback.wrappingKey, scope: 'backup' };
    expectDecryptionError(
      () => unwrapDataKey(mislabelled, owner, wrapped),
      'authentication_failed',
    );
  });

  it('detect any changed byte of a wrapped key', () => {
    const owner = newCaseOwner('backup', 1);
    const wrapped = wrapDataKey(backup.wrappingKey, owner, generateDataKey());
    for (let i = 0; i < wrapped.length; i++) {
      const tampered = wrapped.slice();
      tampered[i]! ^= 0x01;
      expectDecryptionError(() => unwrapDataKey(backup.wrappingKey, owner, tampered));
    }
    expectDecryptionError(() => unwrapDataKey(backup.wrappingKey, owner, wrapped.subarray(0, 81)));
  });

  it('refuse a wrapping key of another version than the owner names', () => {
    const owner = newCaseOwner('backup', 2);
    expect(() => wrapDataKey(backup.wrappingKey, owner, generateDataKey())).toThrow(TypeError);
  });
});

describe('rotation of a service root key', () => {
  it('re-wraps data keys while both versions keep working; all fields stay readable', () => {
    const v1 = serviceKeys('backup', 1);
    const v2 = serviceKeys('backup', 2);
    const ownerV1 = newCaseOwner('backup', 1);
    const ownerV2 = { ...ownerV1, keyVersion: 2 };
    const untouched = newCaseOwner('backup', 1);

    const dataKey = generateDataKey();
    const wrappedV1 = wrapDataKey(v1.wrappingKey, ownerV1, dataKey);
    const otherWrappedV1 = wrapDataKey(v1.wrappingKey, untouched, generateDataKey());
    const before = encryptField(dataKey, fieldOf(ownerV1), 'Vor der Rotation');

    const wrappedV2 = rewrapDataKey(v1.wrappingKey, v2.wrappingKey, ownerV1, ownerV2, wrappedV1);
    expect(readWrappedDataKeyVersions(wrappedV2)).toEqual({
      serviceKeyVersion: 2,
      dataKeyVersion: 1,
    });

    // The server picks the wrapping key by the version in the header: both generations open.
    const keysByVersion = new Map([
      [1, v1.wrappingKey],
      [2, v2.wrappingKey],
    ]);
    const open = (owner: DataKeyOwner, wrapped: Uint8Array) => {
      const version = readWrappedDataKeyVersions(wrapped).serviceKeyVersion;
      return unwrapDataKey(keysByVersion.get(version)!, { ...owner, keyVersion: version }, wrapped);
    };
    const reopened = open(ownerV1, wrappedV2);
    expect(decryptString(reopened, fieldOf(ownerV1), before)).toBe('Vor der Rotation');
    const after = encryptField(reopened, fieldOf(ownerV1), 'Nach der Rotation');
    expect(decryptString(open(ownerV1, wrappedV1), fieldOf(ownerV1), after)).toBe(
      'Nach der Rotation',
    );
    expect(open(untouched, otherWrappedV1).version).toBe(1);

    // Once re-wrapped, the new blob does not open under the old service key version.
    expectDecryptionError(() => unwrapDataKey(v1.wrappingKey, ownerV1, wrappedV2), 'wrong_key');
  });

  it('never lets re-wrapping move a key to another owner or service', () => {
    const v1 = serviceKeys('backup', 1);
    const comeback = serviceKeys('comeback', 1);
    const owner = newCaseOwner('backup', 1);
    const wrapped = wrapDataKey(v1.wrappingKey, owner, generateDataKey());
    const moves: DataKeyOwner[] = [
      { ...owner, scope: 'comeback' },
      { ...owner, ownerId: randomUUID() },
      { ...owner, ownerType: 'incident' },
    ];
    for (const target of moves) {
      expect(() =>
        rewrapDataKey(v1.wrappingKey, comeback.wrappingKey, owner, target, wrapped),
      ).toThrow(TypeError);
    }
  });
});

describe('crypto-shredding', () => {
  const keys = serviceKeys('comeback', 1);

  it('turns a destroyed wrapped key into KeyShreddedError, not DecryptionError', () => {
    const owner = newCaseOwner('comeback', 1);
    let caught: unknown;
    try {
      unwrapDataKey(keys.wrappingKey, owner, null);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeyShreddedError);
    expect(caught).not.toBeInstanceOf(DecryptionError);
    expect((caught as KeyShreddedError).ownerId).toBe(owner.ownerId);
    expect(() => rewrapDataKey(keys.wrappingKey, keys.wrappingKey, owner, owner, null)).toThrow(
      KeyShreddedError,
    );
  });

  it('wipes the key in memory and makes every field of the owner unreadable', () => {
    const owner = newCaseOwner('comeback', 1);
    const dataKey = generateDataKey();
    const blobs = ['Name', 'Adresse', 'Notiz'].map((text, i) =>
      encryptField(dataKey, fieldOf(owner, `column_${i}`), text),
    );
    shredDataKey(dataKey);
    expect(dataKey.bytes.every((byte) => byte === 0)).toBe(true);
    blobs.forEach((blob, i) => {
      expect(() => decryptString(dataKey, fieldOf(owner, `column_${i}`), blob)).toThrow(
        KeyShreddedError,
      );
    });
    expect(() => encryptField(dataKey, fieldOf(owner), 'x')).toThrow(KeyShreddedError);
    expect(() => wrapDataKey(keys.wrappingKey, owner, dataKey)).toThrow(KeyShreddedError);
    // Even a copy of the (now zero) bytes in a fresh object opens nothing.
    expectDecryptionError(() =>
      decryptString({ ...dataKey }, fieldOf(owner, 'column_0'), blobs[0]!),
    );
  });
});
