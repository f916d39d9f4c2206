-- CreateEnum
CREATE TYPE "case_status" AS ENUM ('open', 'paused', 'closed');

-- CreateEnum
CREATE TYPE "note_kind" AS ENUM ('counselling_session', 'phone_call', 'accompaniment', 'referral', 'safety_measure', 'other');

-- CreateEnum
CREATE TYPE "offence_type" AS ENUM ('homicide', 'attempted_homicide', 'grievous_bodily_harm', 'simple_bodily_harm', 'coercion_threat', 'arson', 'property_damage', 'other');

-- CreateEnum
CREATE TYPE "incident_motive" AS ENUM ('racism_anti_black', 'racism_anti_muslim', 'racism_antiziganism', 'racism_anti_asian', 'racism_anti_slavic', 'racism_against_refugees', 'antisemitism', 'anti_lgbtiq', 'social_darwinism', 'political_opponents', 'non_right_alternative', 'other');

-- CreateEnum
CREATE TYPE "district" AS ENUM ('bielefeld', 'bochum', 'bottrop', 'dortmund', 'gelsenkirchen', 'hagen', 'hamm', 'herne', 'muenster', 'kreis_borken', 'kreis_coesfeld', 'kreis_recklinghausen', 'kreis_steinfurt', 'kreis_warendorf', 'kreis_guetersloh', 'kreis_herford', 'kreis_hoexter', 'kreis_lippe', 'kreis_minden_luebbecke', 'kreis_paderborn', 'ennepe_ruhr_kreis', 'hochsauerlandkreis', 'maerkischer_kreis', 'kreis_olpe', 'kreis_siegen_wittgenstein', 'kreis_soest', 'kreis_unna', 'outside_region', 'unknown');

-- CreateEnum
CREATE TYPE "police_report" AS ENUM ('yes', 'no', 'unknown');

-- CreateEnum
CREATE TYPE "incident_source" AS ENUM ('own_research', 'partners', 'affected_person', 'witnesses', 'press', 'police');

-- CreateEnum
CREATE TYPE "accompaniment_kind" AS ENUM ('police_interview', 'court_hearing');

-- CreateEnum
CREATE TYPE "proceeding_role" AS ENUM ('witness', 'joint_plaintiff');

-- CreateEnum
CREATE TYPE "claim_status" AS ENUM ('planned', 'filed', 'granted', 'partially_granted', 'rejected', 'appealed', 'withdrawn');

-- CreateEnum
CREATE TYPE "referral_target" AS ENUM ('lawyer', 'therapist', 'counselling_service', 'medical', 'authority', 'other');

-- CreateEnum
CREATE TYPE "consent_form" AS ENUM ('verbal', 'written');

-- CreateEnum
CREATE TYPE "exit_phase" AS ENUM ('first_contact', 'motivation_and_risk', 'counselling_agreement', 'help_plan', 'distancing', 'stabilisation', 'closing', 'breaking_off', 'aftercare');

-- CreateEnum
CREATE TYPE "help_plan_area" AS ENUM ('housing', 'work', 'debts', 'tattoo_removal', 'safety', 'other');

-- CreateEnum
CREATE TYPE "risk_level" AS ENUM ('low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "risk_decision" AS ENUM ('pending', 'confirmed', 'rejected');

-- CreateEnum
CREATE TYPE "prevention_setting" AS ENUM ('school', 'youth_work', 'online', 'street_work', 'family', 'other');

-- CreateEnum
CREATE TYPE "training_format" AS ENUM ('workshop', 'lecture', 'online_seminar', 'consultation', 'other');

-- CreateEnum
CREATE TYPE "training_audience" AS ENUM ('school_staff', 'youth_work', 'social_work', 'police_justice', 'administration', 'civil_society', 'other');

-- CreateEnum
CREATE TYPE "appointment_kind" AS ENUM ('counselling_session', 'police_interview', 'court_hearing', 'other');

-- CreateEnum
CREATE TYPE "appointment_status" AS ENUM ('scheduled', 'cancelled');

-- CreateTable
CREATE TABLE "case_counters" (
    "service" "service_code" NOT NULL,
    "year" INTEGER NOT NULL,
    "last_number" INTEGER NOT NULL,

    CONSTRAINT "case_counters_pkey" PRIMARY KEY ("service","year")
);

-- CreateTable
CREATE TABLE "cases" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_number" TEXT NOT NULL,
    "status" "case_status" NOT NULL DEFAULT 'open',
    "assigned_counsellor_id" UUID NOT NULL,
    "co_counsellor_id" UUID,
    "opened_on" DATE NOT NULL,
    "closed_on" DATE,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "exit_phase" "exit_phase",
    "risk_level" "risk_level",
    "pseudonym" BYTEA NOT NULL,
    "real_name" BYTEA,
    "date_of_birth" BYTEA,
    "phone" BYTEA,
    "email" BYTEA,
    "address" BYTEA,
    "preferred_language" BYTEA,
    "interpreter_needed" BYTEA,
    "safe_contact" BYTEA,
    "summary" BYTEA,
    "closing_reason" BYTEA,
    "pseudonym_bidx" INTEGER NOT NULL,
    "real_name_bidx" INTEGER,
    "bidx_key_version" INTEGER NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_notes" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_id" UUID NOT NULL,
    "kind" "note_kind" NOT NULL,
    "body" BYTEA NOT NULL,
    "amends_note_id" UUID,
    "author_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "occurred_on" DATE NOT NULL,
    "offence_type" "offence_type" NOT NULL,
    "motives" "incident_motive"[],
    "district" "district" NOT NULL,
    "affected_count" INTEGER NOT NULL,
    "affected_minors" INTEGER NOT NULL,
    "reported_to_police" "police_report" NOT NULL,
    "source" "incident_source" NOT NULL,
    "municipality" BYTEA,
    "description" BYTEA,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_incidents" (
    "service" "service_code" NOT NULL,
    "case_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_incidents_pkey" PRIMARY KEY ("case_id","incident_id")
);

-- CreateTable
CREATE TABLE "accompaniments" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_id" UUID NOT NULL,
    "kind" "accompaniment_kind" NOT NULL,
    "takes_place_on" DATE NOT NULL,
    "role" "proceeding_role" NOT NULL,
    "psychosocial_support" BOOLEAN NOT NULL,
    "court" BYTEA,
    "court_file_number" BYTEA,
    "court_file_number_bidx" INTEGER,
    "bidx_key_version" INTEGER,
    "outcome" BYTEA,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "accompaniments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "compensation_claims" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_id" UUID NOT NULL,
    "status" "claim_status" NOT NULL,
    "filed_on" DATE,
    "decided_on" DATE,
    "note" BYTEA,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "compensation_claims_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "referrals" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_id" UUID NOT NULL,
    "target" "referral_target" NOT NULL,
    "referred_on" DATE NOT NULL,
    "consent_form" "consent_form" NOT NULL,
    "consent_on" DATE NOT NULL,
    "details" BYTEA,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "referrals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "exit_phase_changes" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_id" UUID NOT NULL,
    "phase" "exit_phase" NOT NULL,
    "changed_on" DATE NOT NULL,
    "help_plan_areas" "help_plan_area"[],
    "reason" BYTEA,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "exit_phase_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "risk_assessments" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_id" UUID NOT NULL,
    "assessed_on" DATE NOT NULL,
    "level" "risk_level" NOT NULL,
    "previous_level" "risk_level",
    "decision" "risk_decision" NOT NULL,
    "threats_to_person" BYTEA,
    "threats_from_person" BYTEA,
    "safety_measures" BYTEA,
    "pending_case_id" UUID,
    "proposed_by" UUID NOT NULL,
    "decided_by" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "risk_assessments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prevention_contacts" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "held_on" DATE NOT NULL,
    "setting" "prevention_setting" NOT NULL,
    "participants" INTEGER NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prevention_contacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "multiplier_trainings" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "held_on" DATE NOT NULL,
    "format" "training_format" NOT NULL,
    "audience" "training_audience" NOT NULL,
    "participants" INTEGER NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "multiplier_trainings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "appointments" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "counsellor_id" UUID NOT NULL,
    "case_id" UUID,
    "kind" "appointment_kind" NOT NULL,
    "status" "appointment_status" NOT NULL DEFAULT 'scheduled',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "location" BYTEA,
    "note" BYTEA,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "appointments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calendar_feeds" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "calendar_feeds_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cases_case_number_key" ON "cases"("case_number");

-- CreateIndex
CREATE INDEX "cases_opened_on_created_at_id_idx" ON "cases"("opened_on", "created_at", "id");

-- CreateIndex
CREATE INDEX "cases_pseudonym_bidx_idx" ON "cases"("pseudonym_bidx");

-- CreateIndex
CREATE INDEX "cases_real_name_bidx_idx" ON "cases"("real_name_bidx");

-- CreateIndex
CREATE INDEX "cases_assigned_counsellor_id_idx" ON "cases"("assigned_counsellor_id");

-- CreateIndex
CREATE UNIQUE INDEX "cases_id_service_key" ON "cases"("id", "service");

-- CreateIndex
CREATE INDEX "case_notes_case_id_created_at_idx" ON "case_notes"("case_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "case_notes_id_case_id_key" ON "case_notes"("id", "case_id");

-- CreateIndex
CREATE INDEX "incidents_occurred_on_created_at_idx" ON "incidents"("occurred_on", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "incidents_id_service_key" ON "incidents"("id", "service");

-- CreateIndex
CREATE INDEX "case_incidents_incident_id_idx" ON "case_incidents"("incident_id");

-- CreateIndex
CREATE INDEX "accompaniments_case_id_takes_place_on_idx" ON "accompaniments"("case_id", "takes_place_on");

-- CreateIndex
CREATE INDEX "accompaniments_court_file_number_bidx_idx" ON "accompaniments"("court_file_number_bidx");

-- CreateIndex
CREATE INDEX "compensation_claims_case_id_idx" ON "compensation_claims"("case_id");

-- CreateIndex
CREATE INDEX "referrals_case_id_idx" ON "referrals"("case_id");

-- CreateIndex
CREATE INDEX "exit_phase_changes_case_id_created_at_idx" ON "exit_phase_changes"("case_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "risk_assessments_pending_case_id_key" ON "risk_assessments"("pending_case_id");

-- CreateIndex
CREATE INDEX "risk_assessments_case_id_created_at_idx" ON "risk_assessments"("case_id", "created_at");

-- CreateIndex
CREATE INDEX "prevention_contacts_held_on_idx" ON "prevention_contacts"("held_on");

-- CreateIndex
CREATE INDEX "multiplier_trainings_held_on_idx" ON "multiplier_trainings"("held_on");

-- CreateIndex
CREATE INDEX "appointments_counsellor_id_starts_at_idx" ON "appointments"("counsellor_id", "starts_at");

-- CreateIndex
CREATE INDEX "appointments_starts_at_idx" ON "appointments"("starts_at");

-- CreateIndex
CREATE INDEX "appointments_case_id_starts_at_idx" ON "appointments"("case_id", "starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "calendar_feeds_user_id_key" ON "calendar_feeds"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "calendar_feeds_token_hash_key" ON "calendar_feeds"("token_hash");

-- AddForeignKey
ALTER TABLE "cases" ADD CONSTRAINT "cases_assigned_counsellor_id_fkey" FOREIGN KEY ("assigned_counsellor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cases" ADD CONSTRAINT "cases_co_counsellor_id_fkey" FOREIGN KEY ("co_counsellor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_notes" ADD CONSTRAINT "case_notes_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "case_notes" ADD CONSTRAINT "case_notes_amends_note_id_case_id_fkey" FOREIGN KEY ("amends_note_id", "case_id") REFERENCES "case_notes"("id", "case_id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "case_incidents" ADD CONSTRAINT "case_incidents_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "case_incidents" ADD CONSTRAINT "case_incidents_incident_id_service_fkey" FOREIGN KEY ("incident_id", "service") REFERENCES "incidents"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "accompaniments" ADD CONSTRAINT "accompaniments_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "compensation_claims" ADD CONSTRAINT "compensation_claims_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "exit_phase_changes" ADD CONSTRAINT "exit_phase_changes_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "risk_assessments" ADD CONSTRAINT "risk_assessments_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_counsellor_id_fkey" FOREIGN KEY ("counsellor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- casework: what schema.prisma cannot express ---------------------------------------------

-- Which service may own which record. BackUp documents incidents and accompanies victims;
-- ComeBack runs exit processes, risk assessments and prevention work.
ALTER TABLE "case_counters" ADD CONSTRAINT "case_counters_sane"
  CHECK ("year" BETWEEN 2000 AND 2999 AND "last_number" >= 1);

ALTER TABLE "cases" ADD CONSTRAINT "cases_number_matches_service" CHECK (
  ("service" = 'backup' AND "case_number" ~ '^BU-[0-9]{4}-[0-9]{4,}$') OR
  ("service" = 'comeback' AND "case_number" ~ '^CB-[0-9]{4}-[0-9]{4,}$'));
ALTER TABLE "cases" ADD CONSTRAINT "cases_closed_has_date_and_reason" CHECK (
  ("status" = 'closed') = ("closed_on" IS NOT NULL) AND
  ("status" <> 'closed' OR "closing_reason" IS NOT NULL));
ALTER TABLE "cases" ADD CONSTRAINT "cases_closed_after_opened"
  CHECK ("closed_on" IS NULL OR "closed_on" >= "opened_on");
-- Anonymous mode records no name at all, not even its blind index.
ALTER TABLE "cases" ADD CONSTRAINT "cases_anonymous_has_no_name"
  CHECK (NOT "anonymous" OR ("real_name" IS NULL AND "real_name_bidx" IS NULL));
ALTER TABLE "cases" ADD CONSTRAINT "cases_name_and_index_together"
  CHECK (("real_name" IS NULL) = ("real_name_bidx" IS NULL));
ALTER TABLE "cases" ADD CONSTRAINT "cases_exit_process_only_in_comeback" CHECK (
  ("service" = 'comeback' AND "exit_phase" IS NOT NULL) OR
  ("service" = 'backup' AND "exit_phase" IS NULL AND "risk_level" IS NULL));
ALTER TABLE "cases" ADD CONSTRAINT "cases_bidx_range" CHECK (
  "pseudonym_bidx" BETWEEN 0 AND 65535 AND ("real_name_bidx" IS NULL OR "real_name_bidx" BETWEEN 0 AND 65535));

-- An amendment corrects a note of the same case (the foreign key includes the case), never
-- itself.
ALTER TABLE "case_notes" ADD CONSTRAINT "case_notes_not_self" CHECK ("amends_note_id" <> "id");

ALTER TABLE "incidents" ADD CONSTRAINT "incidents_backup_only" CHECK ("service" = 'backup');
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_counts" CHECK (
  "affected_count" BETWEEN 1 AND 10000 AND "affected_minors" BETWEEN 0 AND "affected_count");
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_some_motive" CHECK (cardinality("motives") >= 1);
ALTER TABLE "case_incidents" ADD CONSTRAINT "case_incidents_backup_only" CHECK ("service" = 'backup');
ALTER TABLE "accompaniments" ADD CONSTRAINT "accompaniments_backup_only" CHECK ("service" = 'backup');
ALTER TABLE "accompaniments" ADD CONSTRAINT "accompaniments_file_number_indexed" CHECK (
  ("court_file_number" IS NULL) = ("court_file_number_bidx" IS NULL) AND
  ("court_file_number_bidx" IS NULL) = ("bidx_key_version" IS NULL));
ALTER TABLE "compensation_claims" ADD CONSTRAINT "compensation_claims_backup_only" CHECK ("service" = 'backup');
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_backup_only" CHECK ("service" = 'backup');

ALTER TABLE "exit_phase_changes" ADD CONSTRAINT "exit_phase_changes_comeback_only" CHECK ("service" = 'comeback');
ALTER TABLE "exit_phase_changes" ADD CONSTRAINT "exit_phase_changes_reason_when_ending"
  CHECK ("phase" NOT IN ('closing', 'breaking_off') OR "reason" IS NOT NULL);
ALTER TABLE "risk_assessments" ADD CONSTRAINT "risk_assessments_comeback_only" CHECK ("service" = 'comeback');
-- Four-eyes: whoever decides on a change is not whoever proposed it.
ALTER TABLE "risk_assessments" ADD CONSTRAINT "risk_assessments_four_eyes" CHECK (
  ("decision" = 'pending') = ("decided_at" IS NULL) AND
  ("decided_by" IS NULL OR "decided_by" <> "proposed_by") AND
  ("decision" = 'pending' OR "decided_by" IS NOT NULL OR "level" IS NOT DISTINCT FROM "previous_level"));
-- pending_case_id is unique: at most one pending change per case.
ALTER TABLE "risk_assessments" ADD CONSTRAINT "risk_assessments_pending_marker" CHECK (
  ("decision" = 'pending') = ("pending_case_id" IS NOT NULL) AND
  ("pending_case_id" IS NULL OR "pending_case_id" = "case_id"));
ALTER TABLE "prevention_contacts" ADD CONSTRAINT "prevention_contacts_comeback_only" CHECK ("service" = 'comeback');
ALTER TABLE "prevention_contacts" ADD CONSTRAINT "prevention_contacts_participants" CHECK ("participants" BETWEEN 1 AND 100000);
ALTER TABLE "multiplier_trainings" ADD CONSTRAINT "multiplier_trainings_comeback_only" CHECK ("service" = 'comeback');
ALTER TABLE "multiplier_trainings" ADD CONSTRAINT "multiplier_trainings_participants" CHECK ("participants" BETWEEN 1 AND 100000);

ALTER TABLE "appointments" ADD CONSTRAINT "appointments_ends_after_start" CHECK ("ends_at" > "starts_at");

-- A feed holds a token hash until it is revoked, never the token.
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_hash_only" CHECK (
  ("token_hash" IS NULL) = ("revoked_at" IS NOT NULL) AND
  ("token_hash" IS NULL OR "token_hash" ~ '^[0-9a-f]{64}$'));

-- Append-only history: notes are corrected by amendments, phases by a newer phase. The grants
-- below already withhold UPDATE and DELETE from requests; the trigger holds for every role.
CREATE FUNCTION "casework_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER "case_notes_append_only" BEFORE UPDATE OR DELETE ON "case_notes"
  FOR EACH ROW EXECUTE FUNCTION "casework_refuse_change"();
CREATE TRIGGER "exit_phase_changes_append_only" BEFORE UPDATE OR DELETE ON "exit_phase_changes"
  FOR EACH ROW EXECUTE FUNCTION "casework_refuse_change"();

-- The request role gets only what requests need (no DELETE except unlinking a case and an
-- incident; erasure is crypto-shredding, a later issue).
GRANT SELECT, INSERT, UPDATE ON "case_counters" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "cases" TO casework_request;
GRANT SELECT, INSERT ON "case_notes" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "incidents" TO casework_request;
GRANT SELECT, INSERT, DELETE ON "case_incidents" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "accompaniments" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "compensation_claims" TO casework_request;
GRANT SELECT, INSERT ON "referrals" TO casework_request;
GRANT SELECT, INSERT ON "exit_phase_changes" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "risk_assessments" TO casework_request;
GRANT SELECT, INSERT ON "prevention_contacts" TO casework_request;
GRANT SELECT, INSERT ON "multiplier_trainings" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "appointments" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "calendar_feeds" TO casework_request;

-- Separation, layer (c): every case-work table shows and accepts only rows of the service set
-- for the transaction (server/database/service-scope.ts). No service set: no rows at all.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['case_counters', 'cases', 'case_notes', 'incidents', 'case_incidents',
    'accompaniments', 'compensation_claims', 'referrals', 'exit_phase_changes',
    'risk_assessments', 'prevention_contacts', 'multiplier_trainings', 'appointments',
    'calendar_feeds']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY %I ON %I USING ("service"::text = current_setting(''casework.service'', true)) '
      'WITH CHECK ("service"::text = current_setting(''casework.service'', true))',
      t || '_own_service', t);
  END LOOP;
END
$$;
