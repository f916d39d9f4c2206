import { apiList, apiRequest } from './client';
import type {
  ActivationCompleteRequest,
  ActivationLinkResponse,
  ActivationStartResponse,
  AdminUser,
  EmptyBody,
  TotpConfirmResponse,
  UserListResponse,
} from './types';

// Confirmation of accounts by a second person, and the owner's activation through the link.

const EMPTY: EmptyBody = {};

export function listPendingAccounts(): Promise<AdminUser[]> {
  return apiList<UserListResponse>('/api/accounts/pending', 'users');
}

export function confirmAccount(id: string): Promise<ActivationLinkResponse> {
  return apiRequest<ActivationLinkResponse>(
    'POST',
    `/api/accounts/${encodeURIComponent(id)}/confirm`,
    EMPTY,
  );
}

export function startActivation(token: string): Promise<ActivationStartResponse> {
  return apiRequest<ActivationStartResponse>('POST', '/api/activation/start', { token });
}

export function completeActivation(
  request: ActivationCompleteRequest,
): Promise<TotpConfirmResponse> {
  return apiRequest<TotpConfirmResponse>('POST', '/api/activation/complete', request);
}
