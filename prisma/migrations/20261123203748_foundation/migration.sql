-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "service_code" AS ENUM ('backup', 'comeback');

-- CreateEnum
CREATE TYPE "user_role" AS ENUM ('counsellor', 'team_lead', 'auditor', 'admin');

-- CreateTable
CREATE TABLE "services" (
    "code" "service_code" NOT NULL,
    "name" TEXT NOT NULL,
    "case_prefix" TEXT NOT NULL,

    CONSTRAINT "services_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "role" "user_role" NOT NULL,
    "service_code" "service_code",
    "password_hash" TEXT NOT NULL,
    "must_change_password" BOOLEAN NOT NULL DEFAULT false,
    "disabled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "user_id" UUID,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "services_case_prefix_key" ON "services"("case_prefix");

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_service_code_fkey" FOREIGN KEY ("service_code") REFERENCES "services"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- casework: what schema.prisma cannot express ---------------------------------------------

INSERT INTO "services" ("code", "name", "case_prefix") VALUES
  ('backup', 'BackUp', 'BU'),
  ('comeback', 'ComeBack', 'CB');

-- Counsellors and team leads belong to exactly one service; auditors and admins to none.
ALTER TABLE "users" ADD CONSTRAINT "users_service_matches_role"
  CHECK (("role" IN ('counsellor', 'team_lead')) = ("service_code" IS NOT NULL));

-- The request role owns nothing and gets only what requests need (SECURITY.md, separation).
GRANT USAGE ON SCHEMA public TO casework_request;
GRANT SELECT ON "services" TO casework_request;
GRANT SELECT, INSERT, UPDATE ON "users" TO casework_request;
GRANT SELECT, INSERT, UPDATE, DELETE ON "sessions" TO casework_request;
