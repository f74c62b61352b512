-- 0006_discovery (SQLite 3.40)
CREATE TABLE discovery_scans (
    id                 TEXT    NOT NULL PRIMARY KEY,
    agent_id           TEXT    NOT NULL REFERENCES agents (id) ON DELETE NO ACTION,
    directories        TEXT    NOT NULL CHECK (json_valid(directories) AND json_type(directories) = 'array'),
    certificates_found INTEGER NOT NULL DEFAULT 0,
    certificates_new   INTEGER NOT NULL DEFAULT 0,
    errors_count       INTEGER NOT NULL DEFAULT 0,
    scan_duration_ms   INTEGER NOT NULL DEFAULT 0,
    started_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    completed_at       TEXT
);
CREATE INDEX idx_discovery_scans_agent_id ON discovery_scans (agent_id);
CREATE INDEX idx_discovery_scans_started_at ON discovery_scans (started_at DESC);

CREATE TABLE discovered_certificates (
    id                     TEXT    NOT NULL PRIMARY KEY,
    fingerprint_sha256     TEXT    NOT NULL,
    common_name            TEXT    NOT NULL DEFAULT '',
    sans                   TEXT    DEFAULT '[]' CHECK (sans IS NULL OR (json_valid(sans) AND json_type(sans) = 'array')),
    serial_number          TEXT    NOT NULL DEFAULT '',
    issuer_dn              TEXT    NOT NULL DEFAULT '',
    subject_dn             TEXT    NOT NULL DEFAULT '',
    not_before             TEXT,
    not_after              TEXT,
    key_algorithm          TEXT    NOT NULL DEFAULT '',
    key_size               INTEGER NOT NULL DEFAULT 0,
    is_ca                  INTEGER NOT NULL DEFAULT 0 CHECK (is_ca IN (0, 1)),
    pem_data               TEXT    NOT NULL DEFAULT '',
    source_path            TEXT    NOT NULL DEFAULT '',
    source_format          TEXT    NOT NULL DEFAULT 'PEM',
    agent_id               TEXT    NOT NULL REFERENCES agents (id) ON DELETE NO ACTION,
    discovery_scan_id      TEXT    REFERENCES discovery_scans (id) ON DELETE NO ACTION,
    managed_certificate_id TEXT    REFERENCES managed_certificates (id) ON DELETE NO ACTION,
    status                 TEXT    NOT NULL DEFAULT 'Unmanaged',
    first_seen_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    last_seen_at           TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    dismissed_at           TEXT,
    created_at             TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at             TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE UNIQUE INDEX idx_discovered_certs_fingerprint_agent_path
    ON discovered_certificates (fingerprint_sha256, agent_id, source_path);
CREATE INDEX idx_discovered_certs_agent_id ON discovered_certificates (agent_id);
CREATE INDEX idx_discovered_certs_status ON discovered_certificates (status);
CREATE INDEX idx_discovered_certs_fingerprint ON discovered_certificates (fingerprint_sha256);
CREATE INDEX idx_discovered_certs_not_after ON discovered_certificates (not_after);
CREATE INDEX idx_discovered_certs_managed_id ON discovered_certificates (managed_certificate_id)
    WHERE managed_certificate_id IS NOT NULL;
