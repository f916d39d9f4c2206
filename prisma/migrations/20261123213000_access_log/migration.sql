-- The access log becomes tamper-evident: a chain position and link per event, signed
-- checkpoints, and a trigger that refuses changes. No deployment holds events yet, so the new
-- NOT NULL columns need no backfill.

-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "case_number" TEXT,
ADD COLUMN     "detail" BYTEA,
ADD COLUMN     "detail_digest" BYTEA,
ADD COLUMN     "link" BYTEA NOT NULL,
ADD COLUMN     "seq" BIGINT NOT NULL,
ALTER COLUMN "at" DROP DEFAULT;

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "size" BIGINT NOT NULL,
    "note" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("size")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events"("seq");

-- CreateIndex
CREATE INDEX "audit_events_case_number_at_idx" ON "audit_events"("case_number", "at");

-- casework: what schema.prisma cannot express ---------------------------------------------

-- Append-only for everyone, the owner included: UPDATE, DELETE and TRUNCATE are refused. The
-- one exception is erasure clearing an encrypted detail (and nothing else) of an event.
CREATE FUNCTION "casework_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW."detail" IS NULL
     AND (to_jsonb(NEW) - 'detail') = (to_jsonb(OLD) - 'detail') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "audit_events_append_only"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "casework_audit_append_only"();
CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "casework_audit_append_only"();
CREATE FUNCTION "casework_checkpoints_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "audit_checkpoints_append_only"
  BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION "casework_checkpoints_append_only"();

-- Requests may append and read events; erasure may clear a detail (column grant only).
GRANT UPDATE ("detail") ON "audit_events" TO casework_request;
GRANT SELECT, INSERT ON "audit_checkpoints" TO casework_request;
