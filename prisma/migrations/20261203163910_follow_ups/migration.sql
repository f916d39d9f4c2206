-- CreateTable
CREATE TABLE "follow_ups" (
    "id" UUID NOT NULL,
    "service" "service_code" NOT NULL,
    "case_id" UUID NOT NULL,
    "due_on" DATE NOT NULL,
    "body" BYTEA NOT NULL,
    "assignee_id" UUID NOT NULL,
    "done_at" TIMESTAMPTZ(3),
    "done_by" UUID,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "follow_ups_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "follow_ups_case_id_due_on_idx" ON "follow_ups"("case_id", "due_on");

-- CreateIndex
CREATE INDEX "follow_ups_assignee_id_due_on_idx" ON "follow_ups"("assignee_id", "due_on");

-- AddForeignKey
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_case_id_service_fkey" FOREIGN KEY ("case_id", "service") REFERENCES "cases"("id", "service") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;



-- casework: what schema.prisma cannot express ---------------------------------------------

-- A follow-up is due on a day and done or not; it is about the case, so it goes with the case:
-- erasure deletes the case row (casework_erase_case) and the cascade takes its follow-ups,
-- whose text is sealed under the case's data key that the same erasure destroys.
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_done_together" CHECK (
  ("done_at" IS NULL) = ("done_by" IS NULL));

-- Requests read, add and change follow-ups (text, day, assignee, done), never move one to
-- another case or service, and never delete one: per-column UPDATE, no DELETE.
GRANT SELECT, INSERT ON "follow_ups" TO casework_request;
GRANT UPDATE ("due_on", "body", "assignee_id", "done_at", "done_by", "updated_at")
  ON "follow_ups" TO casework_request;

-- Separation, layer (c), as on every other case-work table.
ALTER TABLE "follow_ups" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "follow_ups" FORCE ROW LEVEL SECURITY;
CREATE POLICY "follow_ups_own_service" ON "follow_ups"
  USING ("service"::text = current_setting('casework.service', true))
  WITH CHECK ("service"::text = current_setting('casework.service', true));
