import { apiRequest } from './client';
import type { FirstAdminRequest, SetupStatus } from './types';

// First-admin setup: public routes, used once on a fresh installation.

export function fetchSetupStatus(): Promise<SetupStatus> {
  return apiRequest<SetupStatus>('GET', '/api/setup');
}

export function createFirstAdmin(request: FirstAdminRequest): Promise<SetupStatus> {
  return apiRequest<SetupStatus>('POST', '/api/setup/admin', request);
}
