-- CreateEnum
CREATE TYPE "chronicle_date_precision" AS ENUM ('day', 'month');

-- CreateEnum
CREATE TYPE "chronicle_place_precision" AS ENUM ('municipality', 'district');

-- CreateTable
CREATE TABLE "chronicle_entries" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "incident_id" UUID NOT NULL,
    "consent_by" BYTEA NOT NULL,
    "consent_form" "consent_form" NOT NULL,
    "consent_on" DATE NOT NULL,
    "date_precision" "chronicle_date_precision" NOT NULL,
    "place_precision" "chronicle_place_precision" NOT NULL,
    "place" BYTEA,
    "public_text" BYTEA NOT NULL,
    "reviewer_id" UUID,
    "approved_by" UUID,
    "approved_at" TIMESTAMPTZ(3),
    "withdrawn_at" TIMESTAMPTZ(3),
    "withdrawn_by" UUID,
    "author_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chronicle_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chronicle_publications" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "entry_id" UUID NOT NULL,
    "build_id" UUID NOT NULL,
    "built_at" TIMESTAMPTZ(3) NOT NULL,
    "destination" TEXT NOT NULL,

    CONSTRAINT "chronicle_publications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "chronicle_entries_id_service_key" ON "chronicle_entries"("id", "service");

-- CreateIndex
CREATE UNIQUE INDEX "chronicle_entries_incident_id_service_key" ON "chronicle_entries"("incident_id", "service");

-- CreateIndex
CREATE INDEX "chronicle_publications_entry_id_idx" ON "chronicle_publications"("entry_id");

-- CreateIndex
CREATE UNIQUE INDEX "chronicle_publications_build_id_entry_id_key" ON "chronicle_publications"("build_id", "entry_id");

-- AddForeignKey
ALTER TABLE "chronicle_entries" ADD CONSTRAINT "chronicle_entries_incident_id_service_fkey" FOREIGN KEY ("incident_id", "service") REFERENCES "incidents"("id", "service") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "chronicle_publications" ADD CONSTRAINT "chronicle_publications_entry_id_service_fkey" FOREIGN KEY ("entry_id", "service") REFERENCES "chronicle_entries"("id", "service") ON DELETE CASCADE ON UPDATE RESTRICT;



-- casework: what schema.prisma cannot express ---------------------------------------------

-- The chronicle is BackUp's: it documents attacks on victims of right-wing violence.
ALTER TABLE "chronicle_entries" ADD CONSTRAINT "chronicle_entries_backup_only" CHECK ("service" = 'backup');
ALTER TABLE "chronicle_publications" ADD CONSTRAINT "chronicle_publications_backup_only" CHECK ("service" = 'backup');
-- The place is named only when the person agreed to the municipality; the district comes
-- from the incident.
ALTER TABLE "chronicle_entries" ADD CONSTRAINT "chronicle_entries_place_as_agreed" CHECK (
  ("place_precision" = 'municipality') = ("place" IS NOT NULL));
-- Four eyes: whoever approves the public text is not whoever last wrote it (the author
-- changes with every change of the text or consent, and the approval is withdrawn with it).
ALTER TABLE "chronicle_entries" ADD CONSTRAINT "chronicle_entries_four_eyes" CHECK (
  ("approved_by" IS NULL) = ("approved_at" IS NULL) AND
  ("approved_by" IS NULL OR "approved_by" <> "author_id") AND
  ("reviewer_id" IS NULL OR "reviewer_id" <> "author_id"));
ALTER TABLE "chronicle_entries" ADD CONSTRAINT "chronicle_entries_withdrawal" CHECK (
  ("withdrawn_at" IS NULL) = ("withdrawn_by" IS NULL));
ALTER TABLE "chronicle_publications" ADD CONSTRAINT "chronicle_publications_destination" CHECK (
  length("destination") BETWEEN 1 AND 200);

-- Requests write entries and change their consent, text, author and decisions, never which
-- incident or service they belong to (per-column UPDATE, as on "appointments"). Builds are
-- only ever added: the record of where something was published is not rewritten.
GRANT SELECT, INSERT ON "chronicle_entries" TO casework_request;
GRANT UPDATE ("consent_by", "consent_form", "consent_on", "date_precision", "place_precision",
              "place", "public_text", "reviewer_id", "author_id", "approved_by", "approved_at",
              "withdrawn_at", "withdrawn_by", "updated_at")
  ON "chronicle_entries" TO casework_request;
GRANT SELECT, INSERT ON "chronicle_publications" TO casework_request;

-- Separation, layer (c), as for every case-work table.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['chronicle_entries', 'chronicle_publications']
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
