-- CreateTable
CREATE TABLE "erasures_in_progress" (
    "txid" BIGINT NOT NULL,
    "case_id" UUID NOT NULL,

    CONSTRAINT "erasures_in_progress_pkey" PRIMARY KEY ("txid")
);



-- casework: what schema.prisma cannot express ---------------------------------------------

-- The erasure marker is for casework_erase_case alone (it runs with the owner's rights).
REVOKE ALL ON "erasures_in_progress" FROM PUBLIC;

-- Append-only notes and exit phases: the one exemption is an erasure of that very case in this
-- very transaction, proven by the marker row above, which only the owner can write (before, a
-- setting that every role may change). The owner can always lift a trigger it owns; that limit
-- is named in SECURITY.md.
CREATE OR REPLACE FUNCTION "casework_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('case_notes', 'exit_phase_changes')
     AND EXISTS (SELECT 1 FROM erasures_in_progress
                  WHERE txid = pg_current_xact_id()::text::bigint AND case_id = OLD."case_id") THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

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

-- No data key can bring back an erased case: a key is refused for an owner whose key was
-- destroyed (erasure keeps the destroyed row) or for a case that has a tombstone. Without this,
-- a new row with a higher key_version holding an old wrapped key (from a dump) would be taken
-- as the current key and the re-inserted case would decrypt again.
CREATE FUNCTION "casework_refuse_revived_key"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM data_keys
              WHERE scope = NEW.scope AND owner_type = NEW.owner_type AND owner_id = NEW.owner_id
                AND (wrapped_key IS NULL OR destroyed_at IS NOT NULL))
     OR (NEW.owner_type = 'case' AND EXISTS (SELECT 1 FROM erased_cases WHERE id = NEW.owner_id)) THEN
    RAISE EXCEPTION 'data key of an erased record' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "data_keys_not_revived" BEFORE INSERT ON "data_keys"
  FOR EACH ROW EXECUTE FUNCTION "casework_refuse_revived_key"();

-- Least privilege for requests (SECURITY.md, "Database roles").
-- Checkpoints are the sealer's alone: a request that could add one could also add a forged
-- head that halts the sealer for ever.
REVOKE INSERT ON "audit_checkpoints" FROM casework_request;
-- users: only the columns that sign-in, password, second factor, lockout and disabling change.
-- Never the id, the user name, the role or the service (no request turns a counsellor into an
-- admin or moves them to the other service).
REVOKE UPDATE ON "users" FROM casework_request;
GRANT UPDATE ("password_hash", "must_change_password", "password_changed_at", "disabled_at",
              "totp_secret", "totp_pending_secret", "totp_enrolled_at", "totp_last_step",
              "failed_logins", "lockouts", "locked_until", "updated_at")
  ON "users" TO casework_request;

-- The access-log sealer logs in as a role of its own (created with the others, README): it
-- reads the log and writes checkpoints, nothing else. Its connection is no request's, so no
-- request can end it (pg_terminate_backend needs membership in its role).
GRANT USAGE ON SCHEMA public TO casework_sealer;
GRANT SELECT ON "audit_events" TO casework_sealer;
GRANT SELECT, INSERT ON "audit_checkpoints" TO casework_sealer;
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO casework_sealer', current_database());
END
$$;
