-- 0019_revocation_jobs (SQLite 3.40) -- certctl-c addition.
-- Bulk revocation runs as a job: its request (payload), progress and result live on the
-- job row, and the certificates it covers are listed up front, one row each, so that a
-- run interrupted by a crash resumes where it stopped and revokes nothing twice.
-- crl_state keeps each issuer's CRL number, shared by every replica.
ALTER TABLE jobs ADD COLUMN progress_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN progress_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN payload TEXT CHECK (payload IS NULL OR json_valid(payload));
ALTER TABLE jobs ADD COLUMN result TEXT CHECK (result IS NULL OR json_valid(result));
ALTER TABLE jobs ADD COLUMN lease_owner TEXT; -- the runner holding a Running bulk job until scheduled_at
CREATE INDEX idx_jobs_type_status ON jobs (type, status);

CREATE TABLE bulk_revocation_items (
    job_id         TEXT    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    certificate_id TEXT    NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'revoked', 'skipped', 'failed', 'not_found')),
    error          TEXT,
    PRIMARY KEY (job_id, seq)
);
CREATE INDEX idx_bulk_revocation_items_state ON bulk_revocation_items (job_id, state, seq);

CREATE TABLE crl_state (
    issuer_id  TEXT    NOT NULL PRIMARY KEY REFERENCES issuers (id) ON DELETE CASCADE,
    crl_number INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
);

CREATE INDEX idx_certificate_versions_serial ON certificate_versions (serial_number);
