-- 0008_verification (SQLite 3.40): post-deployment verification on jobs.
ALTER TABLE jobs ADD COLUMN verification_status TEXT DEFAULT 'pending';
ALTER TABLE jobs ADD COLUMN verified_at TEXT;
ALTER TABLE jobs ADD COLUMN verification_fingerprint TEXT;
ALTER TABLE jobs ADD COLUMN verification_error TEXT;
CREATE INDEX idx_jobs_verification_status ON jobs (verification_status);
CREATE INDEX idx_jobs_verified_at ON jobs (verified_at);
