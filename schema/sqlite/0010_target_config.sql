-- 0010_target_config (SQLite 3.40): stored (encrypted) target configuration.
ALTER TABLE deployment_targets ADD COLUMN encrypted_config BLOB;
ALTER TABLE deployment_targets ADD COLUMN last_tested_at TEXT;
ALTER TABLE deployment_targets ADD COLUMN test_status TEXT NOT NULL DEFAULT 'untested';
ALTER TABLE deployment_targets ADD COLUMN source TEXT NOT NULL DEFAULT 'database';
