// The values of the server's enums, in the order the forms offer them. They mirror the
// server's lists; `satisfies` makes svelte-check fail when the server drops or renames one.
import type {
  Accompaniment,
  CompensationClaim,
  Referral,
  CaseIncident,
  CaseStatus,
  ExitPhase,
  NewPhaseRequest,
  NoteKind,
  RiskAssessment,
} from '$lib/api/cases';
import type { AppointmentKind } from '$lib/api/appointments';

type Motive = CaseIncident['motives'][number];

export const CASE_STATUSES = ['open', 'paused', 'closed'] as const satisfies readonly CaseStatus[];
export const NOTE_KINDS = [
  'counselling_session',
  'phone_call',
  'accompaniment',
  'referral',
  'safety_measure',
  'other',
] as const satisfies readonly NoteKind[];
export const OFFENCE_TYPES = [
  'homicide',
  'attempted_homicide',
  'grievous_bodily_harm',
  'simple_bodily_harm',
  'coercion_threat',
  'arson',
  'property_damage',
  'other',
] as const satisfies readonly CaseIncident['offenceType'][];
export const MOTIVES = [
  'racism_anti_black',
  'racism_anti_muslim',
  'racism_antiziganism',
  'racism_anti_asian',
  'racism_anti_slavic',
  'racism_against_refugees',
  'antisemitism',
  'anti_lgbtiq',
  'social_darwinism',
  'political_opponents',
  'non_right_alternative',
  'other',
] as const satisfies readonly Motive[];
export const DISTRICTS = [
  'bielefeld',
  'bochum',
  'bottrop',
  'dortmund',
  'gelsenkirchen',
  'hagen',
  'hamm',
  'herne',
  'muenster',
  'kreis_borken',
  'kreis_coesfeld',
  'kreis_recklinghausen',
  'kreis_steinfurt',
  'kreis_warendorf',
  'kreis_guetersloh',
  'kreis_herford',
  'kreis_hoexter',
  'kreis_lippe',
  'kreis_minden_luebbecke',
  'kreis_paderborn',
  'ennepe_ruhr_kreis',
  'hochsauerlandkreis',
  'maerkischer_kreis',
  'kreis_olpe',
  'kreis_siegen_wittgenstein',
  'kreis_soest',
  'kreis_unna',
  'outside_region',
  'unknown',
] as const satisfies readonly CaseIncident['district'][];
export const POLICE_REPORTS = [
  'yes',
  'no',
  'unknown',
] as const satisfies readonly CaseIncident['reportedToPolice'][];
export const SOURCES = [
  'own_research',
  'partners',
  'affected_person',
  'witnesses',
  'press',
  'police',
] as const satisfies readonly CaseIncident['source'][];
export const ACCOMPANIMENT_KINDS = [
  'police_interview',
  'court_hearing',
] as const satisfies readonly Accompaniment['kind'][];
export const PROCEEDING_ROLES = [
  'witness',
  'joint_plaintiff',
] as const satisfies readonly Accompaniment['role'][];
export const EXIT_PHASES = [
  'first_contact',
  'motivation_and_risk',
  'counselling_agreement',
  'help_plan',
  'distancing',
  'stabilisation',
  'closing',
  'breaking_off',
  'aftercare',
] as const satisfies readonly ExitPhase[];
export const RISK_LEVELS = [
  'low',
  'medium',
  'high',
  'critical',
] as const satisfies readonly RiskAssessment['level'][];
export const APPOINTMENT_KINDS = [
  'counselling_session',
  'police_interview',
  'court_hearing',
  'other',
] as const satisfies readonly AppointmentKind[];
export const CLAIM_STATUSES = [
  'planned',
  'filed',
  'granted',
  'partially_granted',
  'rejected',
  'appealed',
  'withdrawn',
] as const satisfies readonly CompensationClaim['status'][];
export const REFERRAL_TARGETS = [
  'lawyer',
  'therapist',
  'counselling_service',
  'medical',
  'authority',
  'other',
] as const satisfies readonly Referral['target'][];
export const CONSENT_FORMS = [
  'verbal',
  'written',
] as const satisfies readonly Referral['consentForm'][];
export const HELP_PLAN_AREAS = [
  'housing',
  'work',
  'debts',
  'tattoo_removal',
  'safety',
  'other',
] as const satisfies readonly NonNullable<NewPhaseRequest['helpPlanAreas']>[number][];
