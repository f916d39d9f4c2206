import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { withClient } from '../../server/database/pg-client.ts';
import { closeDatabase, createDatabase } from '../../server/database/prisma-client.ts';
import { asUser, newUser, signIn } from '../support/accounts.ts';
import { expectStatus, newCase, newCounsellor } from '../support/case-work.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-cluster.ts';
import { MINUTE, testClock } from '../support/test-clock.ts';
import { testConfig } from '../support/test-config.ts';

// A PostgreSQL set up on a German machine answers in Europe/Berlin (initdb takes the zone from
// the environment). Every time the server reads must still be the instant it wrote.
let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
const clock = testClock();

beforeAll(async () => {
  database = await createTestDatabase();
  await withClient(database.superuserUrl, (client) =>
    client.query(`ALTER DATABASE ${database.name} SET TimeZone = 'Europe/Berlin'`),
  );
  app = await buildApp(testConfig({ databaseUrl: database.appUrl }), { clock });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('a database whose time zone is Europe/Berlin', () => {
  it('answers in that zone to a plain connection (so this test means something)', async () => {
    const zone = await withClient(database.appUrl, (client) => client.query('SHOW TimeZone'));
    expect(zone.rows).toEqual([{ TimeZone: 'Europe/Berlin' }]);
  });

  it('still ends a session after exactly 15 idle minutes, not an hour later', async () => {
    const user = await newUser(app, clock, { role: 'auditor', totp: true });
    const session = await signIn(app, clock, user);
    clock.advance(14 * MINUTE);
    expect((await asUser(app, session)('GET', '/api/auth/me')).statusCode).toBe(200);
    clock.advance(15 * MINUTE + 1000);
    expect((await asUser(app, session)('GET', '/api/auth/me')).statusCode).toBe(401);
  });

  it('shows a note with the time it was written', async () => {
    const anna = await newCounsellor({ app, clock }, 'backup');
    const { id } = await newCase(anna);
    const written = expectStatus(
      await anna.http('POST', `/api/cases/${id}/notes`, { kind: 'phone_call', body: 'Rückruf' }),
      201,
    );
    expect(written.createdAt).toBe(clock.now().toISOString());
    const listed = expectStatus(await anna.http('GET', `/api/cases/${id}/notes`), 200);
    expect(listed.notes.map((note: { createdAt: string }) => note.createdAt)).toEqual([
      clock.now().toISOString(),
    ]);
  });

  it('reads every timestamp as the instant PostgreSQL meant', async () => {
    const db = createDatabase({ url: database.appUrl, poolMax: 1 });
    try {
      const [row] = await db.$queryRaw<{ at: Date; ms: string }[]>`
        SELECT date_trunc('milliseconds', now()) AS at,
               (extract(epoch FROM date_trunc('milliseconds', now())) * 1000)::bigint::text AS ms`;
      expect(row!.at.getTime()).toBe(Number(row!.ms));
    } finally {
      await closeDatabase(db);
    }
  });
});
