import { apiRequest, setCsrfToken } from './client';
import type {
  ChangePasswordRequest,
  EmptyBody,
  LoginRequest,
  SignedInResponse,
  TotpConfirmRequest,
  TotpConfirmResponse,
  TotpSetupResponse,
  UnlockRequest,
} from './types';

// The routes under /api/auth. Login and `me` hand out the CSRF token every later write needs.

const EMPTY: EmptyBody = {};

export async function login(request: LoginRequest): Promise<SignedInResponse> {
  const response = await apiRequest<SignedInResponse>('POST', '/api/auth/login', request);
  setCsrfToken(response.csrfToken);
  return response;
}

export async function fetchMe(): Promise<SignedInResponse> {
  const response = await apiRequest<SignedInResponse>('GET', '/api/auth/me');
  setCsrfToken(response.csrfToken);
  return response;
}

export function logout(): Promise<void> {
  return apiRequest<void>('POST', '/api/auth/logout', EMPTY);
}

export function setupTotp(): Promise<TotpSetupResponse> {
  return apiRequest<TotpSetupResponse>('POST', '/api/auth/totp/setup', EMPTY);
}

export function confirmTotp(request: TotpConfirmRequest): Promise<TotpConfirmResponse> {
  return apiRequest<TotpConfirmResponse>('POST', '/api/auth/totp/confirm', request);
}

export function changePassword(request: ChangePasswordRequest): Promise<void> {
  return apiRequest<void>('POST', '/api/auth/password', request);
}

export function lockSession(): Promise<void> {
  return apiRequest<void>('POST', '/api/auth/lock', EMPTY);
}

export function unlockSession(request: UnlockRequest): Promise<void> {
  return apiRequest<void>('POST', '/api/auth/unlock', request);
}
