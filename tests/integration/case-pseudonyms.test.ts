import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blindIndex, initCrypto } from '../../crypto/index.ts';
import { createDataLayer, createKeyRotation } from '../../server/container.ts';
import { systemClock } from '../../server/clock.ts';
import { withClient } from '../../server/database/pg-client.ts';
import {
  closeDatabase,
  createDatabase,
  type Database,
} from '../../server/database/prisma-client.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import {
  expectStatus,
  newCase,
  newCounsellor,
  startCaseWorkApp,
  type CaseWorkApp,
  type Staff,
} from '../support/case-work.ts';

// The test app's master key (tests/support/test-config.ts).
const MASTER_KEY = new Uint8Array(Buffer.alloc(32, 7));

let t: CaseWorkApp;
let anna: Staff;
let ownerDb: Database;

beforeAll(async () => {
  await initCrypto();
  t = await startCaseWorkApp();
  t.clock.set(new Date('2026-11-23T09:00:00Z'));
  anna = await newCounsellor(t, 'backup');
  ownerDb = createDatabase({ url: t.database.ownerUrl, poolMax: 2 });
});
afterAll(async () => {
  if (ownerDb) await closeDatabase(ownerDb);
  await t?.close();
});

const create = (pseudonym: string) =>
  anna.http('POST', '/api/cases', { person: { pseudonym, name: 'Erika Mustermann' } });

describe('pseudonyms', () => {
  it('refuses control, invisible, direction and look-alike characters and blank ones', async () => {
    for (const pseudonym of [
      '\u200B',
      '\u00AD',
      '\u0000',
      ' ',
      '\u3000',
      'Falke\u0000 7',
      'Fal\u200Bke',
      'PENTEST \u202E61 tornegroM omeD',
      'Falke \u2066links\u2069',
      'D\u0435mo Morgenrot 16', // Cyrillic е inside a Latin word
      '-- ..',
    ]) {
      const refused = expectStatus(await create(pseudonym), 400);
      expect(refused.error, JSON.stringify(pseudonym)).toBe('pseudonym_invalid');
    }
    const own = await newCase(anna);
    const refused = expectStatus(
      await anna.http('PATCH', `/api/cases/${own.id}`, { person: { pseudonym: 'Fal\u00ADke' } }),
      400,
    );
    expect(refused.error).toBe('pseudonym_invalid');
  });

  it('stores the compatibility form: full-width letters and odd spaces become plain', async () => {
    const created = expectStatus(await create('Ｆａｌｋｅ\u00A0\u00A0Nord'), 201);
    const view = expectStatus(await anna.http('GET', `/api/cases/${created.id}`), 200);
    expect(view.person.pseudonym).toBe('Falke Nord');
  });

  it('keeps names of one other script', async () => {
    const created = expectStatus(await create('Ольга 3'), 201);
    const view = expectStatus(await anna.http('GET', `/api/cases/${created.id}`), 200);
    expect(view.person.pseudonym).toBe('Ольга 3');
  });

  it('warns, without refusing, when another case goes by the same pseudonym', async () => {
    const first = expectStatus(await create('Demo Morgenrot 16'), 201);
    expect(first).not.toHaveProperty('warnings');
    const second = expectStatus(await create('demo  MORGENROT 16'), 201);
    expect(second.warnings).toEqual(['duplicate_pseudonym']);
    expect(second.id).not.toBe(first.id);

    const other = expectStatus(await create('Demo Abendrot 17'), 201);
    const renamed = expectStatus(
      await anna.http('PATCH', `/api/cases/${other.id}`, {
        person: { pseudonym: 'Demo Morgenrot 16' },
      }),
      200,
    );
    expect(renamed.warnings).toEqual(['duplicate_pseudonym']);
    // Saving a case under its own pseudonym is no duplicate.
    const unique = expectStatus(await create('Demo Mittag 18'), 201);
    const same = expectStatus(
      await anna.http('PATCH', `/api/cases/${unique.id}`, {
        person: { pseudonym: 'Demo Mittag 18' },
      }),
      200,
    );
    expect(same).not.toHaveProperty('warnings');
  });

  it('warns about a duplicate in the own service only', async () => {
    const clara = await newCounsellor(t, 'comeback');
    expectStatus(await create('Demo Grenzgang 19'), 201);
    const created = expectStatus(
      await clara.http('POST', '/api/cases', { person: { pseudonym: 'Demo Grenzgang 19' } }),
      201,
    );
    expect(created).not.toHaveProperty('warnings');
  });
});

describe('blind indexes after a key rotation', () => {
  const CLI: RequestContext = { actor: null, clientAddress: null, requestId: 'cli:test' };

  function rotation() {
    return createKeyRotation({
      ownerDb,
      masterKey: MASTER_KEY,
      audit: t.app.services.audit,
      clock: systemClock,
    });
  }

  const search = async (q: string): Promise<string[]> =>
    expectStatus(await anna.http('POST', '/api/cases/search', { q }), 200).cases.map(
      (c: { id: string }) => c.id,
    );

  it('finds a case by real name when only its pseudonym changed during a rotation', async () => {
    const name = 'Jana Rotationsprobe';
    const target = await newCase(anna, { person: { pseudonym: 'Reiher 1', name } });
    // The rotation stops after moving every data key (one batch), before any blind index
    // is re-computed; reading the case shows the server the new key version.
    await expect(
      rotation().rotate(CLI, 'backup', {
        batchSize: 10_000,
        afterBatch() {
          throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expectStatus(await anna.http('GET', `/api/cases/${target.id}`), 200);
    expectStatus(
      await anna.http('PATCH', `/api/cases/${target.id}`, { person: { pseudonym: 'Reiher 2' } }),
      200,
    );
    await rotation().rotate(CLI, 'backup');
    const versions = await withClient(t.database.superuserUrl, async (client) => {
      const result = await client.query(
        `SELECT c.bidx_key_version AS indexed,
                (SELECT max(version) FROM service_keys WHERE scope = 'backup') AS current
           FROM cases c WHERE c.id = $1`,
        [target.id],
      );
      return result.rows[0];
    });
    expect(versions.indexed).toBe(versions.current);
    expect(await search(name)).toEqual([target.id]);
    expect(await search('Reiher 2')).toEqual([target.id]);
  });

  it('keeps 10 bits per index, and still finds rows indexed at 16 bits until a rotation', async () => {
    const name = 'Jonas Breitenprobe';
    const target = await newCase(anna, { person: { pseudonym: 'Schwan 1', name } });
    const stored = () =>
      withClient(t.database.superuserUrl, async (client) => {
        const result = await client.query(
          `SELECT pseudonym_bidx AS p, real_name_bidx AS r, bidx_key_version AS v
             FROM cases WHERE id = $1`,
          [target.id],
        );
        return result.rows[0] as { p: number; r: number; v: number };
      });
    const written = await stored();
    expect(written.p).toBeLessThan(1024);
    expect(written.r).toBeLessThan(1024);
    expect(
      await withClient(t.database.superuserUrl, async (client) => {
        const result = await client.query(
          `SELECT count(*)::int AS n FROM cases
            WHERE service = 'backup' AND (pseudonym_bidx >= 1024 OR real_name_bidx >= 1024)`,
        );
        return result.rows[0].n;
      }),
    ).toBe(0);

    // A row as the earlier code wrote it: the same hashes at 16 bits.
    const { keyring } = createDataLayer(ownerDb, MASTER_KEY, systemClock);
    const subkeys = await keyring.subkeys('backup', written.v);
    const wide = (field: string, value: string) =>
      blindIndex(subkeys.blindIndexKey(field), value, 16).value;
    await withClient(t.database.superuserUrl, (client) =>
      client.query(`UPDATE cases SET pseudonym_bidx = $2, real_name_bidx = $3 WHERE id = $1`, [
        target.id,
        wide('case.pseudonym', 'Schwan 1'),
        wide('case.real_name', name),
      ]),
    );
    expect(await search(name)).toEqual([target.id]);
    expect(await search('Schwan 1')).toEqual([target.id]);

    await rotation().rotate(CLI, 'backup');
    const reindexed = await stored();
    expect(reindexed.p).toBeLessThan(1024);
    expect(reindexed.r).toBeLessThan(1024);
    expectStatus(await anna.http('GET', `/api/cases/${target.id}`), 200);
    expect(await search(name)).toEqual([target.id]);
    expect(await search('Schwan 1')).toEqual([target.id]);
  });
});
