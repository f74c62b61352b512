-- 0006_discovery (PostgreSQL 15)
CREATE TABLE discovery_scans (
    id                 TEXT        NOT NULL PRIMARY KEY,
    agent_id           TEXT        NOT NULL REFERENCES agents (id) ON DELETE NO ACTION,
    directories        TEXT[]      NOT NULL,
    certificates_found INTEGER     NOT NULL DEFAULT 0,
    certificates_new   INTEGER     NOT NULL DEFAULT 0,
    errors_count       INTEGER     NOT NULL DEFAULT 0,
    scan_duration_ms   INTEGER     NOT NULL DEFAULT 0,
    started_at         TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    completed_at       TIMESTAMPTZ
);
CREATE INDEX idx_discovery_scans_agent_id ON discovery_scans (agent_id);
CREATE INDEX idx_discovery_scans_started_at ON discovery_scans (started_at DESC);

CREATE TABLE discovered_certificates (
    id                     TEXT        NOT NULL PRIMARY KEY,
    fingerprint_sha256     TEXT        NOT NULL,
    common_name            TEXT        NOT NULL DEFAULT '',
    sans                   TEXT[]               DEFAULT '{}',
    serial_number          TEXT        NOT NULL DEFAULT '',
    issuer_dn              TEXT        NOT NULL DEFAULT '',
    subject_dn             TEXT        NOT NULL DEFAULT '',
    not_before             TIMESTAMPTZ,
    not_after              TIMESTAMPTZ,
    key_algorithm          TEXT        NOT NULL DEFAULT '',
    key_size               INTEGER     NOT NULL DEFAULT 0,
    is_ca                  BOOLEAN     NOT NULL DEFAULT FALSE,
    pem_data               TEXT        NOT NULL DEFAULT '',
    source_path            TEXT        NOT NULL DEFAULT '',
    source_format          TEXT        NOT NULL DEFAULT 'PEM',
    agent_id               TEXT        NOT NULL REFERENCES agents (id) ON DELETE NO ACTION,
    discovery_scan_id      TEXT        REFERENCES discovery_scans (id) ON DELETE NO ACTION,
    managed_certificate_id TEXT        REFERENCES managed_certificates (id) ON DELETE NO ACTION,
    status                 TEXT        NOT NULL DEFAULT 'Unmanaged',
    first_seen_at          TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_seen_at           TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    dismissed_at           TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX idx_discovered_certs_fingerprint_agent_path
    ON discovered_certificates (fingerprint_sha256, agent_id, source_path);
CREATE INDEX idx_discovered_certs_agent_id ON discovered_certificates (agent_id);
CREATE INDEX idx_discovered_certs_status ON discovered_certificates (status);
CREATE INDEX idx_discovered_certs_fingerprint ON discovered_certificates (fingerprint_sha256);
CREATE INDEX idx_discovered_certs_not_after ON discovered_certificates (not_after);
CREATE INDEX idx_discovered_certs_managed_id ON discovered_certificates (managed_certificate_id)
    WHERE managed_certificate_id IS NOT NULL;
