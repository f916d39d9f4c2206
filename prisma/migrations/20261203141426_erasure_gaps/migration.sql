-- AlterTable
ALTER TABLE "appointments" ADD COLUMN     "detached_from_case_ids" UUID[] DEFAULT ARRAY[]::UUID[];


-- casework: what schema.prisma cannot express ---------------------------------------------

-- An appointment taken off a case remembers the case: its place and note may be about that
-- case's client, so erasing the case must erase the appointment as well.
CREATE FUNCTION "casework_appointment_remember_case"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."case_id" IS NOT NULL AND NEW."case_id" IS DISTINCT FROM OLD."case_id"
     AND NOT OLD."case_id" = ANY (coalesce(NEW."detached_from_case_ids", '{}')) THEN
    NEW."detached_from_case_ids" := coalesce(NEW."detached_from_case_ids", '{}') || OLD."case_id";
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "appointments_remember_case"
  BEFORE UPDATE OF "case_id" ON "appointments"
  FOR EACH ROW EXECUTE FUNCTION "casework_appointment_remember_case"();

-- Facts are written in the transaction of the record they count, together with its access-log
-- event, so a fact's xmin names that event (and through it a case number). When a record is
-- erased, every fact of the service is rewritten in the erasing transaction: from then on the
-- erased record's facts share their xmin with all others and link to no event but the erasure.
CREATE FUNCTION "casework_stats_unlink"(p_service TEXT) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE stats_incident_facts SET service = service WHERE service::text = p_service;
  UPDATE stats_case_facts SET service = service WHERE service::text = p_service;
  UPDATE stats_activity_facts SET service = service WHERE service::text = p_service;
END
$$;
REVOKE ALL ON FUNCTION "casework_stats_unlink"(TEXT) FROM PUBLIC;

-- The erasure of a case, as before, but with the appointments once detached from it.
CREATE OR REPLACE FUNCTION "casework_erase_case"(p_case UUID, p_rule TEXT, p_erased_on DATE, p_now TIMESTAMPTZ)
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
  WITH d AS (DELETE FROM appointments
              WHERE service::text = v_service
                AND (case_id = p_case OR p_case = ANY (detached_from_case_ids))
              RETURNING id)
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
  PERFORM casework_stats_unlink(v_service);

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

-- Retention of incidents that belong to no case: the incident goes, its key is destroyed (the
-- anonymous statistics facts stay, as for erased cases).
CREATE FUNCTION "casework_erase_incident"(p_id UUID, p_now TIMESTAMPTZ)
RETURNS BOOLEAN LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_service TEXT := current_setting('casework.service', true);
  k INTEGER;
BEGIN
  IF coalesce(v_service, '') = '' THEN
    RAISE EXCEPTION 'erasure needs a service scope' USING ERRCODE = 'insufficient_privilege';
  END IF;
  DELETE FROM incidents i
   WHERE i.id = p_id AND i.service::text = v_service
     AND NOT EXISTS (SELECT 1 FROM case_incidents ci WHERE ci.incident_id = i.id);
  GET DIAGNOSTICS k = ROW_COUNT;
  IF k = 0 THEN
    RETURN false;
  END IF;
  UPDATE data_keys SET wrapped_key = NULL, destroyed_at = p_now
   WHERE scope = v_service AND owner_type = 'incident' AND owner_id = p_id
     AND wrapped_key IS NOT NULL;
  PERFORM casework_stats_unlink(v_service);
  RETURN true;
END
$$;

REVOKE ALL ON FUNCTION "casework_erase_incident"(UUID, TIMESTAMPTZ) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "casework_erase_incident"(UUID, TIMESTAMPTZ) TO casework_request;
