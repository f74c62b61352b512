-- 0009_issuer_config (PostgreSQL 15): stored (encrypted) issuer configuration.
ALTER TABLE issuers ADD COLUMN encrypted_config BYTEA;
ALTER TABLE issuers ADD COLUMN last_tested_at TIMESTAMPTZ;
ALTER TABLE issuers ADD COLUMN test_status TEXT NOT NULL DEFAULT 'untested';
ALTER TABLE issuers ADD COLUMN source TEXT NOT NULL DEFAULT 'database';
