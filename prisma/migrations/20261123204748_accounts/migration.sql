-- AlterTable
ALTER TABLE "users" ADD COLUMN     "failed_logins" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "locked_until" TIMESTAMPTZ(3),
ADD COLUMN     "lockouts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "password_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "totp_enrolled_at" TIMESTAMPTZ(3),
ADD COLUMN     "totp_last_step" BIGINT,
ADD COLUMN     "totp_pending_secret" BYTEA,
ADD COLUMN     "totp_secret" BYTEA;

-- CreateTable
CREATE TABLE "recovery_codes" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "recovery_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "setup_tokens" (
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "setup_tokens_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "service_keys" (
    "scope" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "service_keys_pkey" PRIMARY KEY ("scope","version")
);

-- CreateTable
CREATE TABLE "data_keys" (
    "scope" TEXT NOT NULL,
    "owner_type" TEXT NOT NULL,
    "owner_id" UUID NOT NULL,
    "key_version" INTEGER NOT NULL,
    "service_version" INTEGER NOT NULL,
    "wrapped_key" BYTEA,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "destroyed_at" TIMESTAMPTZ(3),

    CONSTRAINT "data_keys_pkey" PRIMARY KEY ("scope","owner_type","owner_id","key_version")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_role" TEXT,
    "actor_service" TEXT,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "reason" TEXT,
    "client_address" TEXT,
    "request_id" TEXT,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "recovery_codes_code_hash_key" ON "recovery_codes"("code_hash");

-- CreateIndex
CREATE INDEX "recovery_codes_user_id_idx" ON "recovery_codes"("user_id");

-- CreateIndex
CREATE INDEX "data_keys_scope_service_version_idx" ON "data_keys"("scope", "service_version");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_at_idx" ON "audit_events"("actor_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_action_at_idx" ON "audit_events"("action", "at");

-- AddForeignKey
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- casework: what schema.prisma cannot express ---------------------------------------------

GRANT SELECT, INSERT, UPDATE, DELETE ON "recovery_codes" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "setup_tokens" TO casework_request;
GRANT SELECT, INSERT ON "service_keys" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "data_keys" TO casework_request;
-- The access log is append-only for requests (the access-log issue adds the chain and a trigger).
GRANT SELECT, INSERT ON "audit_events" TO casework_request;

-- Separation, layer (c): a transaction sees only its own service's keys (set per transaction
-- with set_config('casework.service', ...)) and the `system` keys. With no service set, it sees
-- only `system` keys. FORCE: the owner role is subject to it too.
ALTER TABLE "service_keys" ADD CONSTRAINT "service_keys_scope" CHECK ("scope" IN ('backup', 'comeback', 'system'));
ALTER TABLE "data_keys" ADD CONSTRAINT "data_keys_scope" CHECK ("scope" IN ('backup', 'comeback', 'system'));

ALTER TABLE "service_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "service_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "service_keys_own_service" ON "service_keys"
  USING ("scope" = 'system' OR "scope" = current_setting('casework.service', true))
  WITH CHECK ("scope" = 'system' OR "scope" = current_setting('casework.service', true));

ALTER TABLE "data_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "data_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "data_keys_own_service" ON "data_keys"
  USING ("scope" = 'system' OR "scope" = current_setting('casework.service', true))
  WITH CHECK ("scope" = 'system' OR "scope" = current_setting('casework.service', true));
