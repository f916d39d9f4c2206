// The values of the server's enums, in the order the forms offer them: the order of
// prisma/schema.prisma, imported from the client Prisma generates (a plain module without
// imports), so a value added or renamed there reaches every form without a copy here.
import {
  AccompanimentKind,
  AppointmentKind,
  CaseStatus,
  ClaimStatus,
  ConsentForm,
  District,
  ExitPhase,
  HelpPlanArea,
  IncidentMotive,
  IncidentSource,
  NoteKind,
  OffenceType,
  PoliceReport,
  ProceedingRole,
  ReferralTarget,
  RiskLevel,
} from '$enums';

export const CASE_STATUSES = Object.values(CaseStatus);
export const NOTE_KINDS = Object.values(NoteKind);
export const OFFENCE_TYPES = Object.values(OffenceType);
export const MOTIVES = Object.values(IncidentMotive);
export const DISTRICTS = Object.values(District);
export const POLICE_REPORTS = Object.values(PoliceReport);
export const SOURCES = Object.values(IncidentSource);
export const ACCOMPANIMENT_KINDS = Object.values(AccompanimentKind);
export const PROCEEDING_ROLES = Object.values(ProceedingRole);
export const EXIT_PHASES = Object.values(ExitPhase);
export const RISK_LEVELS = Object.values(RiskLevel);
export const APPOINTMENT_KINDS = Object.values(AppointmentKind);
export const CLAIM_STATUSES = Object.values(ClaimStatus);
export const REFERRAL_TARGETS = Object.values(ReferralTarget);
export const CONSENT_FORMS = Object.values(ConsentForm);
export const HELP_PLAN_AREAS = Object.values(HelpPlanArea);
