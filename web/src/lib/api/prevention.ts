import type { Static } from 'typebox';
import type {
  CreatePreventionContactBody,
  CreateTrainingBody,
  PreventionContactList,
  PreventionContactView,
  TrainingList,
  TrainingView,
} from '$schemas/comeback.schema';
import { apiList, apiRequest } from './client';

// ComeBack's prevention work (/api/prevention-contacts, /api/trainings): events without
// personal data. Types come from the server's schemas, imported as types only.

export type PreventionContact = Static<typeof PreventionContactView>;
export type NewPreventionContactRequest = Static<typeof CreatePreventionContactBody>;
export type Training = Static<typeof TrainingView>;
export type NewTrainingRequest = Static<typeof CreateTrainingBody>;
export type PreventionSetting = PreventionContact['setting'];
export type TrainingFormat = Training['format'];
export type TrainingAudience = Training['audience'];

export function listPreventionContacts(): Promise<PreventionContact[]> {
  return apiList<Static<typeof PreventionContactList>, 'contacts'>(
    '/api/prevention-contacts?limit=100&offset=0',
    'contacts',
  );
}

export function addPreventionContact(
  request: NewPreventionContactRequest,
): Promise<PreventionContact> {
  return apiRequest<PreventionContact>('POST', '/api/prevention-contacts', request);
}

export function listTrainings(): Promise<Training[]> {
  return apiList<Static<typeof TrainingList>, 'trainings'>(
    '/api/trainings?limit=100&offset=0',
    'trainings',
  );
}

export function addTraining(request: NewTrainingRequest): Promise<Training> {
  return apiRequest<Training>('POST', '/api/trainings', request);
}
