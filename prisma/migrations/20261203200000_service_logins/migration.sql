-- casework: what schema.prisma cannot express ---------------------------------------------

-- Row-level security no longer keys on a setting the request login can change itself
-- (`set_config('casework.service', …)`), but on who is logged in: requests for a counselling
-- service connect as that service's own login (server/database/database-roles.ts), and SQL
-- running on that connection cannot become another login. The setting keeps its meaning only
-- for the owner role, whose maintenance work (backups, key rotation) reads each service in turn
-- and who could drop the policies anyway. Every other login (the system login `casework_app`,
-- the sealer) sees no service's rows. `session_user`, not `current_user`: inside the
-- SECURITY DEFINER erasure functions current_user is the owner, session_user still the caller.
CREATE FUNCTION "casework_session_service"() RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT CASE session_user
    WHEN 'casework_app_backup_service' THEN 'backup'
    WHEN 'casework_app_comeback_service' THEN 'comeback'
    WHEN 'casework_owner' THEN nullif(current_setting('casework.service', true), '')
  END
$$;
REVOKE ALL ON FUNCTION "casework_session_service"() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "casework_session_service"() TO casework_request;

-- Every policy and every erasure function that read the setting reads the function instead.
-- Rewritten from the catalogue rather than re-typed, so no policy or function body can be
-- missed or changed in passing; tests/integration/database-privileges.test.ts proves none is left.
DO $$
DECLARE
  p RECORD;
  f RECORD;
  pattern CONSTANT TEXT := 'current_setting\(''casework\.service''(::text)?, true\)';
  using_sql TEXT;
  check_sql TEXT;
BEGIN
  FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies
            WHERE schemaname = current_schema()
              AND (qual ~ pattern OR with_check ~ pattern) LOOP
    using_sql := regexp_replace(p.qual, pattern, 'casework_session_service()', 'g');
    check_sql := regexp_replace(p.with_check, pattern, 'casework_session_service()', 'g');
    EXECUTE format('ALTER POLICY %I ON %I.%I USING (%s)%s', p.policyname, p.schemaname,
                   p.tablename, using_sql,
                   CASE WHEN check_sql IS NULL THEN '' ELSE format(' WITH CHECK (%s)', check_sql) END);
  END LOOP;
  FOR f IN SELECT oid FROM pg_proc
            WHERE pronamespace = current_schema()::regnamespace
              AND proname <> 'casework_session_service' AND prosrc ~ pattern LOOP
    EXECUTE regexp_replace(pg_get_functiondef(f.oid), pattern, 'casework_session_service()', 'g');
  END LOOP;
END
$$;
