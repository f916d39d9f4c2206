import { apiList, apiRequest } from './client';
import type {
  AdminUser,
  CreateUserRequest,
  CreateUserResponse,
  EmptyBody,
  UserListResponse,
} from './types';

// The account routes under /api/admin/users (admins only).

const EMPTY: EmptyBody = {};

export function listUsers(): Promise<AdminUser[]> {
  return apiList<UserListResponse>('/api/admin/users', 'users');
}

export function createUser(request: CreateUserRequest): Promise<CreateUserResponse> {
  return apiRequest<CreateUserResponse>('POST', '/api/admin/users', request);
}

/** Row actions; each answers 204. A reset hands out nothing: a second person confirms it. */
export type UserAction = 'disable' | 'enable' | 'unlock' | 'reset-password' | 'reset-totp';

export function runUserAction(id: string, action: UserAction): Promise<void> {
  return apiRequest<void>('POST', `/api/admin/users/${encodeURIComponent(id)}/${action}`, EMPTY);
}
