-- AlterTable
ALTER TABLE "cases" ADD COLUMN     "closed_at" TIMESTAMPTZ(3);


-- Retention counts from when the server recorded the closing, not from the closing day a
-- counsellor types. Cases closed before this column existed get their closing day, but never
-- earlier than the row's creation nor later than now: a back-dated or far-future closing day
-- cannot steer their retention either.
UPDATE "cases"
   SET "closed_at" = LEAST(GREATEST(("closed_on"::timestamp AT TIME ZONE 'Europe/Berlin'),
                                    "created_at"),
                           now())
 WHERE "status" = 'closed';

ALTER TABLE "cases" ADD CONSTRAINT "cases_closed_has_closed_at"
  CHECK (("status" = 'closed') = ("closed_at" IS NOT NULL));
