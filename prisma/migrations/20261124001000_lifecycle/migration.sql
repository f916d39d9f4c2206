-- CreateTable
CREATE TABLE "legal_holds" (
    "case_id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "reason" BYTEA NOT NULL,
    "set_by" UUID NOT NULL,
    "set_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "legal_holds_pkey" PRIMARY KEY ("case_id")
);

-- CreateTable
CREATE TABLE "erased_cases" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_number" TEXT NOT NULL,
    "opened_year" INTEGER NOT NULL,
    "closed_year" INTEGER,
    "erased_on" DATE NOT NULL,
    "rule" TEXT NOT NULL,

    CONSTRAINT "erased_cases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "erased_cases_case_number_key" ON "erased_cases"("case_number");


-- casework: what schema.prisma cannot express ---------------------------------------------

ALTER TABLE "erased_cases" ADD CONSTRAINT "erased_cases_rule_is_a_code"
  CHECK ("rule" ~ '^[a-z0-9_.:-]{1,100}$');

-- Erasure removes notes and exit phases, which are append-only for everyone else: the trigger
-- lets a DELETE through only inside casework_erase_case, for the case being erased.
CREATE OR REPLACE FUNCTION "casework_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('case_notes', 'exit_phase_changes')
     AND OLD."case_id"::text = current_setting('casework.erasing', true) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Erasing a case (crypto-shredding, SECURITY.md "Erasure and retention"). Runs with the
-- owner's rights (requests may not DELETE case records) but under the caller's service scope:
-- row-level security is forced on the owner too, so another service's case is not found.
-- Removes every record of the case, the incidents only it was linked to and its appointments,
-- destroys their data keys, clears the encrypted details (access reasons) of its access-log
-- events and leaves a tombstone. Returns what was removed (counts, no content), or NULL when
-- the case is not there.
CREATE FUNCTION "casework_erase_case"(p_case UUID, p_rule TEXT, p_erased_on DATE, p_now TIMESTAMPTZ)
RETURNS JSONB LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_service TEXT := current_setting('casework.service', true);
  c RECORD;
  k INTEGER;
  n_notes INTEGER := 0;
  n_phases INTEGER;
  n_risks INTEGER;
  n_referrals INTEGER;
  n_claims INTEGER;
  n_accompaniments INTEGER;
  n_links INTEGER;
  n_keys INTEGER;
  n_details INTEGER;
  v_appointments UUID[];
  v_linked UUID[];
  v_incidents UUID[];
BEGIN
  IF coalesce(v_service, '') = '' THEN
    RAISE EXCEPTION 'erasure needs a service scope' USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT id, service, case_number, opened_on, closed_on INTO c
    FROM cases WHERE id = p_case AND service::text = v_service FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM legal_holds WHERE case_id = p_case) THEN
    RAISE EXCEPTION 'case is on legal hold' USING ERRCODE = 'check_violation';
  END IF;
  PERFORM set_config('casework.erasing', p_case::text, true);

  -- Corrections first: a note that is amended goes once its amendments are gone.
  LOOP
    DELETE FROM case_notes n WHERE n.case_id = p_case
       AND NOT EXISTS (SELECT 1 FROM case_notes m WHERE m.amends_note_id = n.id);
    GET DIAGNOSTICS k = ROW_COUNT;
    EXIT WHEN k = 0;
    n_notes := n_notes + k;
  END LOOP;
  DELETE FROM exit_phase_changes WHERE case_id = p_case;
  GET DIAGNOSTICS n_phases = ROW_COUNT;
  DELETE FROM risk_assessments WHERE case_id = p_case;
  GET DIAGNOSTICS n_risks = ROW_COUNT;
  DELETE FROM referrals WHERE case_id = p_case;
  GET DIAGNOSTICS n_referrals = ROW_COUNT;
  DELETE FROM compensation_claims WHERE case_id = p_case;
  GET DIAGNOSTICS n_claims = ROW_COUNT;
  DELETE FROM accompaniments WHERE case_id = p_case;
  GET DIAGNOSTICS n_accompaniments = ROW_COUNT;
  WITH d AS (DELETE FROM appointments WHERE case_id = p_case RETURNING id)
    SELECT coalesce(array_agg(id), '{}') INTO v_appointments FROM d;
  WITH d AS (DELETE FROM case_incidents WHERE case_id = p_case RETURNING incident_id)
    SELECT coalesce(array_agg(incident_id), '{}') INTO v_linked FROM d;
  n_links := cardinality(v_linked);
  WITH d AS (
    DELETE FROM incidents i WHERE i.id = ANY (v_linked)
       AND NOT EXISTS (SELECT 1 FROM case_incidents ci WHERE ci.incident_id = i.id)
    RETURNING id)
    SELECT coalesce(array_agg(id), '{}') INTO v_incidents FROM d;
  DELETE FROM cases WHERE id = p_case;

  INSERT INTO erased_cases (id, service, case_number, opened_year, closed_year, erased_on, rule)
  VALUES (p_case, c.service, c.case_number, extract(year FROM c.opened_on)::int,
          extract(year FROM c.closed_on)::int, p_erased_on, p_rule);

  UPDATE data_keys SET wrapped_key = NULL, destroyed_at = p_now
   WHERE scope = v_service AND wrapped_key IS NOT NULL
     AND ((owner_type = 'case' AND owner_id = p_case)
       OR (owner_type = 'appointment' AND owner_id = ANY (v_appointments))
       OR (owner_type = 'incident' AND owner_id = ANY (v_incidents)));
  GET DIAGNOSTICS n_keys = ROW_COUNT;
  UPDATE audit_events SET detail = NULL
   WHERE case_number = c.case_number AND target_id = p_case::text AND detail IS NOT NULL;
  GET DIAGNOSTICS n_details = ROW_COUNT;

  RETURN jsonb_build_object(
    'caseNumber', c.case_number,
    'service', c.service,
    'openedYear', extract(year FROM c.opened_on)::int,
    'closedYear', extract(year FROM c.closed_on)::int,
    'records', jsonb_build_object(
      'case', 1, 'notes', n_notes, 'exitPhaseChanges', n_phases, 'riskAssessments', n_risks,
      'referrals', n_referrals, 'compensationClaims', n_claims,
      'accompaniments', n_accompaniments, 'appointments', cardinality(v_appointments),
      'incidentLinks', n_links, 'incidents', cardinality(v_incidents),
      'dataKeysDestroyed', n_keys, 'accessLogDetailsCleared', n_details));
END
$$;

-- Retention of appointments that belong to no case: the appointment goes, its key is destroyed.
CREATE FUNCTION "casework_erase_appointment"(p_id UUID, p_now TIMESTAMPTZ)
RETURNS BOOLEAN LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_service TEXT := current_setting('casework.service', true);
  k INTEGER;
BEGIN
  IF coalesce(v_service, '') = '' THEN
    RAISE EXCEPTION 'erasure needs a service scope' USING ERRCODE = 'insufficient_privilege';
  END IF;
  DELETE FROM appointments WHERE id = p_id AND case_id IS NULL AND service::text = v_service;
  GET DIAGNOSTICS k = ROW_COUNT;
  IF k = 0 THEN
    RETURN false;
  END IF;
  UPDATE data_keys SET wrapped_key = NULL, destroyed_at = p_now
   WHERE scope = v_service AND owner_type = 'appointment' AND owner_id = p_id
     AND wrapped_key IS NOT NULL;
  RETURN true;
END
$$;

REVOKE ALL ON FUNCTION "casework_erase_case"(UUID, TEXT, DATE, TIMESTAMPTZ) FROM PUBLIC;
REVOKE ALL ON FUNCTION "casework_erase_appointment"(UUID, TIMESTAMPTZ) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "casework_erase_case"(UUID, TEXT, DATE, TIMESTAMPTZ) TO casework_request;
GRANT EXECUTE ON FUNCTION "casework_erase_appointment"(UUID, TIMESTAMPTZ) TO casework_request;

GRANT SELECT, INSERT, DELETE ON "legal_holds" TO casework_request;
GRANT SELECT ON "erased_cases" TO casework_request;

-- Separation, layer (c), as for every case-work table.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['legal_holds', 'erased_cases']
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
