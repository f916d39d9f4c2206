import { verifyAuditLog, type Verification } from '$lib/api/audit';

/**
 * The last verification of this browser tab. Recomputing the chain reads the whole log and is
 * itself an event, so the workspace checks once when first opened, not on every return to it;
 * "Jetzt prüfen" checks again.
 */
class VerificationState {
  result = $state<Verification | null>(null);
  /** When the result came back (ms since the epoch). */
  checkedAt = $state<number | null>(null);
  running = $state(false);
  failure = $state<unknown>(null);
  /** Whose check it was: another auditor signing in to this tab checks afresh. */
  #userId: string | null = null;

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.failure = null;
    try {
      this.result = await verifyAuditLog();
      this.checkedAt = Date.now();
    } catch (caught) {
      this.failure = caught;
    } finally {
      this.running = false;
    }
  }

  /** Checks unless this user already has a result or a check under way. */
  ensure(userId: string | null): void {
    if (userId !== this.#userId) {
      this.#userId = userId;
      this.result = this.checkedAt = this.failure = null;
    }
    if (this.result === null && !this.running && this.failure === null) void this.run();
  }

  /** A new checkpoint moves "last checkpoint" on without a new verification. */
  noteCheckpoint(checkpoint: { size: number; at: string }): void {
    if (this.result) this.result = { ...this.result, lastCheckpoint: checkpoint };
  }
}

export const verification = new VerificationState();
