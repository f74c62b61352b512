-- 0010_target_config (PostgreSQL 15): stored (encrypted) target configuration.
ALTER TABLE deployment_targets ADD COLUMN encrypted_config BYTEA;
ALTER TABLE deployment_targets ADD COLUMN last_tested_at TIMESTAMPTZ;
ALTER TABLE deployment_targets ADD COLUMN test_status TEXT NOT NULL DEFAULT 'untested';
ALTER TABLE deployment_targets ADD COLUMN source TEXT NOT NULL DEFAULT 'database';
