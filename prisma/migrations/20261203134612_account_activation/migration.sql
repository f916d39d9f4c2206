-- AlterTable
ALTER TABLE "users" ADD COLUMN     "activation_confirmed_by" UUID,
ADD COLUMN     "activation_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "activation_requested_at" TIMESTAMPTZ(3),
ADD COLUMN     "activation_requested_by" UUID,
ADD COLUMN     "activation_token_hash" TEXT,
ADD COLUMN     "sessions_valid_after" TIMESTAMPTZ(3);

-- CreateIndex
CREATE UNIQUE INDEX "users_activation_token_hash_key" ON "users"("activation_token_hash");

-- Grants: the request role's table-level SELECT/INSERT/UPDATE on "users" (foundation
-- migration) covers the new columns; no row-level security on "users".
