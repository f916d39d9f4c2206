-- Statistics (issue 7): facts for team leads' counts. No foreign keys, no record ids, no
-- timestamps: the key is a keyed hash of the source record's id (SECURITY.md, Statistics).

-- CreateTable
CREATE TABLE "stats_incident_facts" (
    "key" BYTEA NOT NULL,
    "service" "service_code" NOT NULL,
    "month" INTEGER NOT NULL,
    "offence_type" "offence_type" NOT NULL,
    "motives" "incident_motive"[],
    "district" "district" NOT NULL,
    "affected_count" INTEGER NOT NULL,
    "reported_to_police" "police_report" NOT NULL,
    "source" "incident_source" NOT NULL,

    CONSTRAINT "stats_incident_facts_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "stats_case_facts" (
    "key" BYTEA NOT NULL,
    "service" "service_code" NOT NULL,
    "opened_month" INTEGER NOT NULL,
    "closed_month" INTEGER,
    "ended_month" INTEGER,
    "ending" "exit_phase",
    "duration_range" TEXT,

    CONSTRAINT "stats_case_facts_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "stats_activity_facts" (
    "key" BYTEA NOT NULL,
    "service" "service_code" NOT NULL,
    "month" INTEGER NOT NULL,
    "activity" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "participants" INTEGER,

    CONSTRAINT "stats_activity_facts_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "stats_incident_facts_month_idx" ON "stats_incident_facts"("month");

-- CreateIndex
CREATE INDEX "stats_case_facts_opened_month_idx" ON "stats_case_facts"("opened_month");

-- CreateIndex
CREATE INDEX "stats_activity_facts_month_idx" ON "stats_activity_facts"("month");

-- Keys are 32-byte keyed hashes; months are YYYYMM; codes are enum-like.
ALTER TABLE "stats_incident_facts" ADD CONSTRAINT "stats_incident_facts_shape" CHECK (
  octet_length("key") = 32 AND "month" % 100 BETWEEN 1 AND 12 AND "affected_count" >= 0);
ALTER TABLE "stats_case_facts" ADD CONSTRAINT "stats_case_facts_shape" CHECK (
  octet_length("key") = 32 AND "opened_month" % 100 BETWEEN 1 AND 12 AND
  ("closed_month" IS NULL OR "closed_month" % 100 BETWEEN 1 AND 12) AND
  ("ended_month" IS NULL OR "ended_month" % 100 BETWEEN 1 AND 12) AND
  ("ending" IS NULL OR "ending" IN ('closing', 'breaking_off')) AND
  ("duration_range" IS NULL OR "duration_range" IN ('0-3m', '3-6m', '6-12m', '12-24m', '24m+')));
ALTER TABLE "stats_activity_facts" ADD CONSTRAINT "stats_activity_facts_shape" CHECK (
  octet_length("key") = 32 AND "month" % 100 BETWEEN 1 AND 12 AND
  "activity" IN ('accompaniment', 'contact', 'exit_phase', 'risk_level', 'prevention', 'training') AND
  "kind" ~ '^[a-z][a-z0-9_]{0,63}$' AND ("participants" IS NULL OR "participants" >= 0));

-- Requests replace a fact when its record changes (delete + insert); nothing else.
GRANT SELECT, INSERT, DELETE ON "stats_incident_facts" TO casework_request;
GRANT SELECT, INSERT, DELETE ON "stats_case_facts" TO casework_request;
GRANT SELECT, INSERT, DELETE ON "stats_activity_facts" TO casework_request;

-- Separation, layer (c), as for the case-work tables.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['stats_incident_facts', 'stats_case_facts', 'stats_activity_facts']
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
