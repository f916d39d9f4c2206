import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { fetchMe, lockSession, login, logout, unlockSession } from './api/auth';
import {
  ApiError,
  NETWORK_ERROR,
  UNAVAILABLE_ERROR,
  setClientHooks,
  forgetAccessReasons,
  setCsrfToken,
} from './api/client';
import type { SessionProblem } from './api/client';
import type { LoginRequest, SessionStatus, SignedInResponse, User } from './api/types';

export const DEFAULT_IDLE_TIMEOUT_SECONDS = 900;

/** Why the sign-in page is showing although nobody asked for it; it explains this in a notice. */
export type LoginNotice = 'idle' | 'expired' | 'signed-out' | 'setup-complete';

// Before the server has answered and after signing out: nothing pending, nothing locked.
const SIGNED_OUT_STATUS: SessionStatus = {
  totpEnrolled: false,
  totpEnrollmentRequired: false,
  passwordChangeRequired: false,
  screenLocked: false,
  idleTimeoutSeconds: DEFAULT_IDLE_TIMEOUT_SECONDS,
};

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
  /**
   * The server's `session` object from login and `me`, as it stands: what it still requires
   * of the user, whether it is locked, its idle timeout. Refusals (403, 423) update it between
   * two answers.
   */
  status = $state<SessionStatus>({ ...SIGNED_OUT_STATUS });
  /** The server lets this session do nothing else until one of these steps is done. */
  gated = $derived(this.status.passwordChangeRequired || this.status.totpEnrollmentRequired);
  locked = $derived(this.user !== null && this.status.screenLocked);
  /** When the server last accepted a request of this session (ms since the epoch). */
  lastContactAt = $state(Date.now());
  /** The last attempt to reach the server got no usable answer. */
  serverUnreachable = $state(false);
  loginNotice = $state<LoginNotice | null>(null);

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
    this.#apply(await login(request));
    this.loginNotice = null;
  }

  async signOut(reason: LoginNotice = 'signed-out'): Promise<void> {
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
    this.status.screenLocked = true;
    this.#broadcast({ type: 'locked' });
    // The screen is locked already; telling the server keeps the session locked across a
    // reload. If that fails, the lock still holds in this page.
    lockSession().catch(() => undefined);
  }

  async unlock(password: string): Promise<void> {
    await unlockSession({ password });
    this.status.screenLocked = false;
    this.#broadcast({ type: 'unlocked' });
  }

  /** After a forced password change the server decides what comes next (usually TOTP). */
  async completePasswordChange(): Promise<void> {
    this.status.passwordChangeRequired = false;
    await this.#refreshIfPossible();
  }

  async completeTotpEnrollment(): Promise<void> {
    this.status.totpEnrolled = true;
    this.status.totpEnrollmentRequired = false;
    await this.#refreshIfPossible();
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

  // The flags just set locally are right for this step; the server's answer adds anything
  // else still due. If it cannot be asked now, the next refusal corrects the flags.
  async #refreshIfPossible(): Promise<void> {
    await this.refresh().catch(() => undefined);
  }

  #apply(answer: SignedInResponse): void {
    this.user = answer.user;
    // Only unlocking ends a lock: an answer sent just before this page locked must not undo it.
    this.status = {
      ...answer.session,
      screenLocked: answer.session.screenLocked || this.status.screenLocked,
    };
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
        this.status.totpEnrolled = false;
        this.status.totpEnrollmentRequired = true;
        void goto(resolve('/setup-totp'));
        break;
      case 'password_change_required':
        this.status.passwordChangeRequired = true;
        void goto(resolve('/account/password'));
        break;
      case 'screen_locked':
        this.status.screenLocked = true;
        break;
    }
  }

  #end(reason: LoginNotice): void {
    this.user = null;
    this.status = { ...SIGNED_OUT_STATUS };
    this.loginNotice = reason;
    setCsrfToken(null);
    forgetAccessReasons();
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
          this.status.screenLocked = true;
          break;
        case 'unlocked':
          this.status.screenLocked = false;
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
