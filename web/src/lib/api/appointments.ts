import type { Static } from 'typebox';
import type {
  AppointmentList as AppointmentListSchema,
  AppointmentView,
  CreateAppointmentBody,
  CreatedFeed,
  FeedStatus as FeedStatusSchema,
  SavedAppointment as SavedAppointmentSchema,
  UpdateAppointmentBody,
} from '$schemas/appointments.schema';
import type { EmptyBody } from './types';
import { apiList, apiRequest } from './client';

// Appointments, week views and the personal iCalendar feed (/api/appointments, /api/calendar).

export type Appointment = Static<typeof AppointmentView>;
export type AppointmentKind = Appointment['kind'];
export type AppointmentListResponse = Static<typeof AppointmentListSchema>;
export type NewAppointmentRequest = Static<typeof CreateAppointmentBody>;
export type SavedAppointment = Static<typeof SavedAppointmentSchema>;
export type FeedStatus = Static<typeof FeedStatusSchema>;
export type NewFeed = Static<typeof CreatedFeed>;

const EMPTY: EmptyBody = {};

/** Appointments overlapping [from, to): the caller's, or the whole team's of the service. */
export function listAppointments(
  from: Date,
  to: Date,
  team: boolean,
): Promise<AppointmentListResponse> {
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  if (team) query.set('team', 'true');
  return apiRequest<AppointmentListResponse>('GET', `/api/appointments?${query.toString()}`);
}

export function listCaseAppointments(caseId: string): Promise<Appointment[]> {
  return apiList<AppointmentListResponse, 'appointments'>(
    `/api/cases/${encodeURIComponent(caseId)}/appointments`,
    'appointments',
  );
}

export function createAppointment(request: NewAppointmentRequest): Promise<SavedAppointment> {
  return apiRequest<SavedAppointment>('POST', '/api/appointments', request);
}

/** Cancels an appointment; it stays in the record, marked as cancelled. */
export function cancelAppointment(id: string): Promise<SavedAppointment> {
  const change: Static<typeof UpdateAppointmentBody> = { status: 'cancelled' };
  return apiRequest<SavedAppointment>(
    'PATCH',
    `/api/appointments/${encodeURIComponent(id)}`,
    change,
  );
}

export function feedStatus(): Promise<FeedStatus> {
  return apiRequest<FeedStatus>('GET', '/api/calendar/feed-token');
}

export function createFeed(): Promise<NewFeed> {
  return apiRequest<NewFeed>('POST', '/api/calendar/feed-token', EMPTY);
}

export function revokeFeed(): Promise<void> {
  return apiRequest<void>('DELETE', '/api/calendar/feed-token', EMPTY);
}
