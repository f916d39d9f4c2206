import type { UserRecord } from '../../repositories/user.repository.ts';
import type { AdminUserView } from '../../schemas/users.schema.ts';

/** An account as admins and confirming team leads see it. */
export function adminUserView(user: UserRecord, now: Date): AdminUserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    service: user.service,
    disabled: user.disabled,
    locked: user.lockedUntil !== null && user.lockedUntil > now,
    totpEnrolled: user.totpEnrolled,
    mustChangePassword: user.mustChangePassword,
    activation: user.activation ? (user.activation.confirmedBy ? 'owner' : 'confirmation') : null,
    createdAt: user.createdAt.toISOString(),
  };
}
