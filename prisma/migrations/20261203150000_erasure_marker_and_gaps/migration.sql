-- casework: what schema.prisma cannot express ---------------------------------------------

-- The erasure of a case with both of the day's changes to it: the append-only exemption proven
-- by a marker row only this function writes (20261203133930_least_privilege_roles), and the
-- appointments once detached from the case and the unlinked statistics facts
-- (20261203141426_erasure_gaps), which re-created the function from the version before the
-- marker.
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
  INSERT INTO erasures_in_progress (txid, case_id)
  VALUES (pg_current_xact_id()::text::bigint, p_case);

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

  DELETE FROM erasures_in_progress WHERE txid = pg_current_xact_id()::text::bigint;

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

-- Like every other casework function, the trigger function of 20261203141426_erasure_gaps is
-- no one's to call (a trigger runs it without that privilege).
REVOKE ALL ON FUNCTION "casework_appointment_remember_case"() FROM PUBLIC;
