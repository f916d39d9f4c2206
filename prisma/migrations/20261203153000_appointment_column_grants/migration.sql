-- Requests change an appointment's time, place, kind, state, counsellor and case, never the
-- list of cases it was detached from (kept by the trigger of 20261203141426_erasure_gaps, so
-- that erasing a case also erases its once-detached appointments): per-column UPDATE, as on
-- "users", so that request-role SQL cannot clear that list.
REVOKE UPDATE ON "appointments" FROM casework_request;
GRANT UPDATE ("counsellor_id", "case_id", "kind", "status", "starts_at", "ends_at", "location",
              "note", "updated_at")
  ON "appointments" TO casework_request;
