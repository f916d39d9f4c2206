-- The two-person account activation (20261203134612_account_activation) adds columns that
-- requests change: the request role's UPDATE on "users" is per column since
-- 20261203133930_least_privilege_roles, so it needs these named.
GRANT UPDATE ("activation_confirmed_by", "activation_expires_at", "activation_requested_at",
              "activation_requested_by", "activation_token_hash", "sessions_valid_after")
  ON "users" TO casework_request;
