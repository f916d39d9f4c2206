import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { fetchMe, lockSession, login, logout, unlockSession } from './api/auth';
import {
  ApiError,
  NETWORK_ERROR,
  UNAVAILABLE_ERROR,
  setClientHooks,
  setCsrfToken,
} from './api/client';
import type { SessionProblem } from './api/client';
import type { LoginRequest, MeResponse, User } from './api/types';

export const DEFAULT_IDLE_TIMEOUT_SECONDS = 900;

/** Why the sign-in page is showing although nobody asked for it; it explains this in a notice. */
export type SignOutReason = 'idle' | 'expired' | 'signed-out';

// All tabs of a browser share one server session, so each tells the others what changed it:
// otherwise an idle tab would sign out a colleague busy in another one, and a lock would leave
// the other tabs readable.
type TabMessage =
  | { type: 'contact'; at: number }
  | { type: 'locked' }
  | { type: 'unlocked' }
  | { type: 'signed-out' };

class Session {
  user = $state<User | null>(null);
  idleTimeoutSeconds = $state(DEFAULT_IDLE_TIMEOUT_SECONDS);
  totpEnrolled = $state(true);
  totpRequired = $state(true);
  totpEnrollmentPending = $derived(!this.totpEnrolled && this.totpRequired);
  mustChangePassword = $state(false);
  /** The server lets this session do nothing else until one of these steps is done. */
  gated = $derived(this.mustChangePassword || this.totpEnrollmentPending);
  locked = $state(false);
  /** When the server last accepted a request of this session (ms since the epoch). */
  lastContactAt = $state(Date.now());
  /** The last attempt to reach the server got no usable answer. */
  serverUnreachable = $state(false);
  signOutReason = $state<SignOutReason | null>(null);

  #loading: Promise<void> | null = null;
  #tabs: BroadcastChannel | null = null;

  /** Asks the server once, at app start, whether a session exists; later calls share that answer. */
  ensureLoaded(): Promise<void> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  /** Re-reads the session from the server; this also keeps it alive. */
  async refresh(): Promise<void> {
    this.#apply(await fetchMe());
  }

  async signIn(request: LoginRequest): Promise<void> {
    await login(request);
    // Idle timeout, enrolment and lock state come with `me`, not with the login answer.
    await this.refresh();
    this.signOutReason = null;
  }

  async signOut(reason: SignOutReason = 'signed-out'): Promise<void> {
    if (this.user !== null) {
      try {
        await logout();
      } catch {
        // Forgotten here all the same; the server ends it at its idle timeout at the latest.
      }
    }
    this.#end(reason);
    this.#broadcast({ type: 'signed-out' });
  }

  lock(): void {
    if (this.user === null || this.locked) return;
    this.locked = true;
    this.#broadcast({ type: 'locked' });
    // The screen is locked already; telling the server keeps the session locked across a
    // reload. If that fails, the lock still holds in this page.
    lockSession().catch(() => undefined);
  }

  async unlock(password: string): Promise<void> {
    await unlockSession({ password });
    this.locked = false;
    this.#broadcast({ type: 'unlocked' });
  }

  completeTotpEnrollment(): void {
    this.totpEnrolled = true;
  }

  completePasswordChange(): void {
    this.mustChangePassword = false;
  }

  async #load(): Promise<void> {
    setClientHooks({
      onContact: () => this.#recordContact(Date.now()),
      onSessionProblem: (problem) => this.#handleSessionProblem(problem),
    });
    this.#listenToOtherTabs();
    try {
      await this.refresh();
    } catch (error) {
      this.serverUnreachable = isConnectionError(error);
    }
  }

  #apply(me: MeResponse): void {
    this.user = me.user;
    this.idleTimeoutSeconds = me.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
    this.totpEnrolled = me.totpEnrolled ?? true;
    this.totpRequired = me.totpRequired ?? true;
    this.mustChangePassword = me.mustChangePassword ?? false;
    this.locked = me.screenLocked ?? this.locked;
    this.serverUnreachable = false;
  }

  #recordContact(at: number): void {
    this.lastContactAt = Math.max(this.lastContactAt, at);
    this.#broadcast({ type: 'contact', at });
  }

  #handleSessionProblem(problem: SessionProblem): void {
    switch (problem) {
      case 'unauthenticated':
        // Without a user there is nothing to end: the route guard sends the visitor to sign in.
        if (this.user !== null) this.#end('expired');
        break;
      case 'totp_enrollment_required':
        this.totpEnrolled = false;
        this.totpRequired = true;
        void goto(resolve('/setup-totp'));
        break;
      case 'password_change_required':
        this.mustChangePassword = true;
        void goto(resolve('/account/password'));
        break;
      case 'screen_locked':
        this.locked = true;
        break;
    }
  }

  #end(reason: SignOutReason): void {
    this.user = null;
    this.locked = false;
    this.totpEnrolled = true;
    this.totpRequired = true;
    this.mustChangePassword = false;
    this.signOutReason = reason;
    setCsrfToken(null);
    void goto(resolve('/login'));
  }

  #listenToOtherTabs(): void {
    this.#tabs = new BroadcastChannel('casework-session');
    this.#tabs.onmessage = ({ data }: MessageEvent<TabMessage>) => {
      if (this.user === null) return;
      switch (data.type) {
        case 'contact':
          this.lastContactAt = Math.max(this.lastContactAt, data.at);
          break;
        case 'locked':
          this.locked = true;
          break;
        case 'unlocked':
          this.locked = false;
          break;
        case 'signed-out':
          this.#end('signed-out');
          break;
      }
    };
  }

  #broadcast(message: TabMessage): void {
    this.#tabs?.postMessage(message);
  }
}

function isConnectionError(error: unknown): boolean {
  return (
    error instanceof ApiError && (error.code === NETWORK_ERROR || error.code === UNAVAILABLE_ERROR)
  );
}

/** The signed-in user and the state of their session, shared by the whole app. */
export const session = new Session();
