import type { FastifyRequest } from 'fastify';
import { csrfTokenFor } from '../../plugins/access-control.ts';
import type { UserRecord } from '../../repositories/user.repository.ts';
import type { SignedIn } from '../../schemas/auth.schema.ts';

/** The answer of login and `me`: who is signed in, the CSRF token, what the session requires. */
export function signedInResponse(
  request: FastifyRequest,
  user: UserRecord,
  options: { totpRequired: boolean; idleTimeoutSeconds: number },
): SignedIn {
  return {
    user: { id: user.id, username: user.username, role: user.role, service: user.service },
    csrfToken: csrfTokenFor(request.session),
    session: {
      totpEnrolled: user.totpEnrolled,
      totpEnrollmentRequired: options.totpRequired && !user.totpEnrolled,
      passwordChangeRequired: user.mustChangePassword,
      screenLocked: request.session.screenLocked === true,
      idleTimeoutSeconds: options.idleTimeoutSeconds,
    },
  };
}
