import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import type { Role, ServiceCode } from '../../server/generated/prisma/enums.ts';
import type { UserRecord } from '../../server/repositories/user.repository.ts';
import type { RequestContext } from '../../server/services/actor.ts';
import type { Clock } from '../../server/clock.ts';
import type { TestClock } from './test-clock.ts';

const SYSTEM: RequestContext = { actor: null, clientAddress: null, requestId: 'test' };
let counter = 0;

export interface TestUser {
  user: UserRecord;
  username: string;
  password: string;
  totpSecret?: string;
}

/** A user made through the real account service; with `totp`, enrolled the way the UI does it. */
export async function newUser(
  app: FastifyInstance,
  clock: Clock,
  options: { role: Role; service?: ServiceCode; totp?: boolean; username?: string },
): Promise<TestUser> {
  counter += 1;
  const username =
    options.username ?? `${options.role.replace('_', '')}${counter}-${Date.now() % 100000}`;
  const password = `Wanderdüne Kompass ${counter} Holunder`;
  const { user } = await app.services.accounts.create(SYSTEM, {
    username,
    role: options.role,
    service: options.service ?? null,
    password,
  });
  if (!options.totp) return { user, username, password };
  const { secret } = await app.services.auth.startTotpSetup(SYSTEM, user.id);
  await app.services.auth.confirmTotp(SYSTEM, user.id, await totpCode(secret, clock));
  const enrolled = (await app.repositories.users.findById(user.id))!;
  return { user: enrolled, username, password, totpSecret: secret };
}

export async function totpCode(secret: string, clock: Clock, offsetSteps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) + offsetSteps * 30 });
}

export interface SignedInSession {
  cookie: string;
  csrfToken: string;
  response: LightMyRequestResponse;
}

export function sessionCookie(response: LightMyRequestResponse): string {
  const header = [response.headers['set-cookie'] ?? []]
    .flat()
    .find((c) => c.startsWith('casework_session='));
  if (!header)
    throw new Error(`no session cookie (status ${response.statusCode}: ${response.body})`);
  return header.split(';')[0]!;
}

/** Signs in through POST /api/auth/login (TOTP from the secret when enrolled). */
export async function signIn(
  app: FastifyInstance,
  clock: TestClock,
  who: TestUser,
  options: { remoteAddress?: string; totpOffsetSteps?: number } = {},
): Promise<SignedInSession> {
  // A step later than enrollment's, so the replay protection does not refuse it.
  clock.advance(30_000);
  const totp = who.totpSecret
    ? await totpCode(who.totpSecret, clock, options.totpOffsetSteps)
    : undefined;
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: options.remoteAddress,
    payload: { username: who.username, password: who.password, ...(totp ? { totp } : {}) },
  });
  if (response.statusCode !== 200)
    throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  return { cookie: sessionCookie(response), csrfToken: response.json().csrfToken, response };
}

/** Inject as a signed-in user, with the CSRF header on state changes. */
export function asUser(app: FastifyInstance, session: SignedInSession) {
  return (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      payload,
      headers: {
        cookie: session.cookie,
        ...(method === 'GET' ? {} : { 'x-csrf-token': session.csrfToken }),
        ...headers,
      },
    });
}
