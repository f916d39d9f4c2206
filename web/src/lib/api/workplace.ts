import type { Static } from 'typebox';
import type { WorkplaceView } from '$schemas/workplace.schema';
import { apiRequest } from './client';

// The counsellor's start page (/api/workplace): the week's work in one request.

export type Workplace = Static<typeof WorkplaceView>;

export function getWorkplace(): Promise<Workplace> {
  return apiRequest<Workplace>('GET', '/api/workplace');
}
