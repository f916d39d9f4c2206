import type { Role, ServiceCode } from '../../server/generated/prisma/enums.ts';

export interface LoadUser {
  index: number;
  role: Role;
  service: ServiceCode | null;
  headers: { cookie: string; 'x-csrf-token': string };
  cases: { id: string; pseudonym: string }[];
}

export interface PlannedRequest {
  /** The route as the report names it (method and URL pattern). */
  route: string;
  method: 'GET' | 'POST';
  path: string;
  body?: object;
  caseId?: string;
}

const DAY = 86_400_000;

/**
 * What each kind of user does, step by step: counsellors work their own cases (list, open,
 * search by pseudonym, read and write notes, look at and book appointments); team leads look
 * at statistics; auditors page through and filter the access log.
 */
export function planFor(hasRoute: (method: string, url: string) => boolean) {
  const statistics = hasRoute('GET', '/api/stats') && hasRoute('GET', '/api/stats/workload');
  const week = () => {
    const from = new Date(Math.floor(Date.now() / (7 * DAY)) * 7 * DAY);
    return `from=${from.toISOString()}&to=${new Date(from.getTime() + 7 * DAY).toISOString()}`;
  };

  function counsellor(user: LoadUser, step: number): PlannedRequest {
    const own = user.cases[step % user.cases.length]!;
    switch (step % 8) {
      case 0:
        return { route: 'GET /api/cases', method: 'GET', path: '/api/cases?limit=50' };
      case 1:
      case 6:
        return { route: 'GET /api/cases/:id', method: 'GET', path: `/api/cases/${own.id}` };
      case 2:
        return {
          route: 'POST /api/cases/search',
          method: 'POST',
          path: '/api/cases/search',
          body: { q: own.pseudonym },
        };
      case 3:
        return {
          route: 'GET /api/cases/:id/notes',
          method: 'GET',
          path: `/api/cases/${own.id}/notes?limit=20`,
        };
      case 4:
        return {
          route: 'POST /api/cases/:id/notes',
          method: 'POST',
          path: `/api/cases/${own.id}/notes`,
          caseId: own.id,
          body: {
            kind: 'phone_call',
            body: `Lastprobe ${user.index}/${step}: Rückruf, Termin beim Amtsgericht bestätigt.`,
          },
        };
      case 5:
        return {
          route: 'GET /api/appointments',
          method: 'GET',
          path: `/api/appointments?${week()}`,
        };
      default: {
        const start = new Date(Date.now() + (1 + (step % 5)) * DAY);
        return {
          route: 'POST /api/appointments',
          method: 'POST',
          path: '/api/appointments',
          body: {
            start: start.toISOString(),
            end: new Date(start.getTime() + 3_600_000).toISOString(),
            kind: 'counselling_session',
            caseId: own.id,
            location: 'Beratungsstelle',
            note: null,
          },
        };
      }
    }
  }

  function teamLead(step: number): PlannedRequest {
    if (!statistics) return { route: 'GET /api/auth/me', method: 'GET', path: '/api/auth/me' };
    if (step % 3 === 2) {
      return { route: 'GET /api/stats/workload', method: 'GET', path: '/api/stats/workload' };
    }
    const granularity = step % 3 === 0 ? 'month' : 'quarter';
    return {
      route: 'GET /api/stats',
      method: 'GET',
      path: `/api/stats?granularity=${granularity}`,
    };
  }

  function auditor(step: number): PlannedRequest {
    return step % 2 === 0
      ? { route: 'GET /api/audit', method: 'GET', path: '/api/audit?limit=50' }
      : {
          route: 'GET /api/audit (filtered)',
          method: 'GET',
          path: '/api/audit?action=note.create&limit=50',
        };
  }

  return {
    statistics,
    next(user: LoadUser, step: number): PlannedRequest {
      if (user.role === 'counsellor') return counsellor(user, step);
      if (user.role === 'team_lead') return teamLead(step);
      return auditor(step);
    },
  };
}
