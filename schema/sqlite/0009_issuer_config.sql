-- 0009_issuer_config (SQLite 3.40): stored (encrypted) issuer configuration.
ALTER TABLE issuers ADD COLUMN encrypted_config BLOB;
ALTER TABLE issuers ADD COLUMN last_tested_at TEXT;
ALTER TABLE issuers ADD COLUMN test_status TEXT NOT NULL DEFAULT 'untested';
ALTER TABLE issuers ADD COLUMN source TEXT NOT NULL DEFAULT 'database';
