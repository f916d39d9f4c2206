-- CreateEnum
CREATE TYPE "document_kind" AS ENUM ('police_report', 'medical', 'court', 'authority', 'photo', 'other');

-- CreateEnum
CREATE TYPE "document_state" AS ENUM ('uploading', 'complete');

-- CreateTable
CREATE TABLE "documents" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_id" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "title" BYTEA NOT NULL,
    "kind" "document_kind" NOT NULL,
    "document_date" DATE,
    "size_bytes" BIGINT NOT NULL DEFAULT 0,
    "mime_type" TEXT,
    "sha256" BYTEA,
    "stream_header" BYTEA NOT NULL,
    "state" "document_state" NOT NULL DEFAULT 'uploading',
    "uploaded_by_id" UUID NOT NULL,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_chunks" (
    "document_id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "seq" INTEGER NOT NULL,
    "ciphertext" BYTEA NOT NULL,

    CONSTRAINT "document_chunks_pkey" PRIMARY KEY ("document_id","seq")
);

-- CreateIndex
CREATE INDEX "documents_case_id_uploaded_at_idx" ON "documents"("case_id", "uploaded_at");

-- CreateIndex
CREATE UNIQUE INDEX "documents_id_service_key" ON "documents"("id", "service");

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_document_id_service_fkey" FOREIGN KEY ("document_id", "service") REFERENCES "documents"("id", "service") ON DELETE RESTRICT ON UPDATE RESTRICT;



-- casework: what schema.prisma cannot express ---------------------------------------------

-- Named after the service logins (20261203200000_service_logins): its policies and the erasure
-- function read casework_session_service(), which that migration created.

ALTER TABLE "documents" ADD CONSTRAINT "documents_version_positive" CHECK ("version" >= 1);
ALTER TABLE "documents" ADD CONSTRAINT "documents_size_nonnegative" CHECK ("size_bytes" >= 0);
ALTER TABLE "documents" ADD CONSTRAINT "documents_stream_header_length"
  CHECK (octet_length("stream_header") = 30);
ALTER TABLE "documents" ADD CONSTRAINT "documents_complete_has_content"
  CHECK ("state" = 'uploading' OR ("sha256" IS NOT NULL AND "mime_type" IS NOT NULL));
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_seq_nonnegative" CHECK ("seq" >= 0);

-- Evidence: a complete document's bytes never change. Chunks are written only while their
-- document is uploading and never updated; a document leaves `uploading` once, for
-- `complete`; rows go only while uploading (an upload that failed) or in the erasure of their
-- case in this very transaction (the marker only casework_erase_case writes, as for notes).
CREATE FUNCTION "casework_document_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_state TEXT;
  v_case UUID;
BEGIN
  IF TG_TABLE_NAME = 'document_chunks' THEN
    IF TG_OP = 'UPDATE' THEN
      RAISE EXCEPTION 'document chunks are never changed' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT state::text, case_id INTO v_state, v_case FROM documents
     WHERE id = (CASE WHEN TG_OP = 'INSERT' THEN NEW.document_id ELSE OLD.document_id END);
    IF v_state = 'uploading' THEN
      RETURN CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
    END IF;
    IF TG_OP = 'INSERT' THEN
      RAISE EXCEPTION 'a complete document takes no more chunks' USING ERRCODE = 'insufficient_privilege';
    END IF;
  ELSE
    IF TG_OP = 'UPDATE' THEN
      IF OLD.state = 'uploading' THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'a complete document is never changed' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.state = 'uploading' THEN
      RETURN OLD;
    END IF;
    v_case := OLD.case_id;
  END IF;
  IF EXISTS (SELECT 1 FROM erasures_in_progress
              WHERE txid = pg_current_xact_id()::text::bigint AND case_id = v_case) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'a complete document goes only with the erasure of its case'
    USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION "casework_document_guard"() FROM PUBLIC;
CREATE TRIGGER "documents_guard" BEFORE UPDATE OR DELETE ON "documents"
  FOR EACH ROW EXECUTE FUNCTION "casework_document_guard"();
CREATE TRIGGER "document_chunks_guard" BEFORE INSERT OR UPDATE OR DELETE ON "document_chunks"
  FOR EACH ROW EXECUTE FUNCTION "casework_document_guard"();

-- Requests add documents and chunks, finish an upload (per column, as for appointments) and
-- remove what a failed upload left; the trigger above keeps complete documents as they are.
GRANT SELECT, INSERT, DELETE ON "documents" TO casework_request;
GRANT UPDATE ("state", "size_bytes", "mime_type", "sha256") ON "documents" TO casework_request;
GRANT SELECT, INSERT, DELETE ON "document_chunks" TO casework_request;

-- Separation, layer (c), as on every case-work table since 20261203200000_service_logins.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['documents', 'document_chunks']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY %I ON %I USING ("service"::text = casework_session_service()) '
      'WITH CHECK ("service"::text = casework_session_service())',
      t || '_own_service', t);
  END LOOP;
END
$$;

-- The erasure of a case takes its documents and their chunks too (the case's data key, which
-- alone opens them, is destroyed below as before). Re-created from the latest version
-- (20261203150000_erasure_marker_and_gaps, as 20261203200000_service_logins rewrote it to read
-- casework_session_service()) with those two deletions and their counts.
CREATE OR REPLACE FUNCTION "casework_erase_case"(p_case UUID, p_rule TEXT, p_erased_on DATE, p_now TIMESTAMPTZ)
RETURNS JSONB LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_service TEXT := casework_session_service();
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
  n_documents INTEGER;
  n_chunks INTEGER;
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
  DELETE FROM document_chunks
   WHERE document_id IN (SELECT id FROM documents WHERE case_id = p_case);
  GET DIAGNOSTICS n_chunks = ROW_COUNT;
  DELETE FROM documents WHERE case_id = p_case;
  GET DIAGNOSTICS n_documents = ROW_COUNT;
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
      'accompaniments', n_accompaniments, 'documents', n_documents,
      'documentChunks', n_chunks, 'appointments', cardinality(v_appointments),
      'incidentLinks', n_links, 'incidents', cardinality(v_incidents),
      'dataKeysDestroyed', n_keys, 'accessLogDetailsCleared', n_details));
END
$$;
