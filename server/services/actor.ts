import type { Role, ServiceCode } from '../generated/prisma/enums.ts';

/** Who is acting, from the session, never from the request body or URL. */
export interface Actor {
  userId: string;
  username: string;
  role: Role;
  service: ServiceCode | null;
}

/** What every service call knows about the request it serves, for authorisation and audit. */
export interface RequestContext {
  actor: Actor | null;
  clientAddress: string | null;
  requestId: string;
  /**
   * Why a counsellor opens a case not assigned to them (header `x-access-reason`, decoded);
   * every call on such a case needs one (case-work-scope.ts, openCase).
   */
  accessReason?: string;
}
