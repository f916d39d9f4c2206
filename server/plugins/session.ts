import { createHash, createHmac } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySession, { type SessionStore } from '@fastify/session';
import type { FastifyInstance, Session } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock.ts';
import type { SessionRepository } from '../repositories/session.repository.ts';

declare module 'fastify' {
  interface Session {
    userId?: string;
    /** When the user signed in (ms): the absolute timeout counts from here. */
    authenticatedAt?: number;
    /** When this session last proved the current credentials (sign-in or own password change). */
    credentialsAt?: number;
    /** The last request (ms, updated at most every few seconds): the idle timeout counts from here. */
    lastSeenAt?: number;
    /** The secret CSRF tokens are derived from (plugins/access-control.ts). */
    csrfSecret?: string;
    /** Quick lock: the screen is hidden until the password is entered again. */
    screenLocked?: boolean;
  }
}

export const SESSION_COOKIE = 'casework_session';

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

/** When a session stops being valid: idle or absolute timeout, whichever comes first. */
export function sessionExpiry(
  session: Partial<Session>,
  timeouts: SessionTimeouts,
  now: number,
): number {
  const lastSeen = session.lastSeenAt ?? now;
  const idleEnd = lastSeen + timeouts.idleMs;
  return session.authenticatedAt
    ? Math.min(idleEnd, session.authenticatedAt + timeouts.absoluteMs)
    : idleEnd;
}

/**
 * @fastify/session's store contract over PostgreSQL. Session ids are stored as SHA-256, so a
 * database dump holds no usable session; rows past their expiry are refused and removed.
 */
class PostgresSessionStore implements SessionStore {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    private readonly timeouts: SessionTimeouts,
  ) {}

  set(sessionId: string, session: Session, callback: (error?: unknown) => void): void {
    const now = this.clock.now().getTime();
    const expiresAt = new Date(sessionExpiry(session, this.timeouts, now));
    this.sessions
      .save(
        hashSessionId(sessionId),
        session.userId ?? null,
        JSON.parse(JSON.stringify(session)),
        expiresAt,
      )
      .then(() => callback(), callback);
  }

  get(sessionId: string, callback: (error: unknown, session?: Session | null) => void): void {
    const idHash = hashSessionId(sessionId);
    this.sessions.find(idHash).then(async (row) => {
      if (!row) return callback(null, null);
      if (row.expiresAt.getTime() <= this.clock.now().getTime()) {
        await this.sessions.delete(idHash);
        return callback(null, null);
      }
      return callback(null, row.data as Session);
    }, callback);
  }

  destroy(sessionId: string, callback: (error?: unknown) => void): void {
    this.sessions.delete(hashSessionId(sessionId)).then(() => callback(), callback);
  }
}

export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

export const sessionPlugin = fp(
  async (
    app: FastifyInstance,
    options: {
      sessions: SessionRepository;
      clock: Clock;
      timeouts: SessionTimeouts;
      masterKey: Uint8Array;
      behindTlsProxy: boolean;
    },
  ) => {
    await app.register(fastifyCookie);
    await app.register(fastifySession, {
      cookieName: SESSION_COOKIE,
      // The cookie signature is defence in depth (the id itself is 256 random bits); its key is
      // derived from the master key so that no further secret has to be configured.
      secret: createHmac('sha256', options.masterKey)
        .update('casework/session-cookie/v1')
        .digest('hex'),
      store: new PostgresSessionStore(options.sessions, options.clock, options.timeouts),
      saveUninitialized: false,
      // The row is written only when the session changes (lastSeenAt, at most every 10 s), not
      // on every response: the server enforces both timeouts itself.
      rolling: false,
      cookie: {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        // casework sees TLS only through a TLS-terminating proxy, so Secure means exactly
        // that; plain http://127.0.0.1 (npm start) still works in a browser. ('auto' is not
        // used: over plain HTTP it silently lowers SameSite to Lax.)
        secure: options.behindTlsProxy,
        // No maxAge: a browser-session cookie, gone when the browser closes.
      },
    });
  },
  { name: 'session' },
);
