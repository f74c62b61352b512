-- 0001_initial_schema (SQLite 3.40)
-- Mirrors certctl v2.1 migration 000001 with the deliberate differences listed
-- in schema/README.md. Type mapping: VARCHAR(n) -> TEXT + CHECK(length <= n);
-- TIMESTAMPTZ -> TEXT 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (UTC, 6 fractional digits);
-- JSONB -> TEXT + CHECK(json_valid); TEXT[]/INTEGER[] -> TEXT JSON array;
-- BOOLEAN -> INTEGER 0/1; BYTEA -> BLOB. PRIMARY KEY columns are declared
-- NOT NULL explicitly (SQLite would otherwise accept NULL in a TEXT PK).

-- teams ----------------------------------------------------------------------
CREATE TABLE teams (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) <= 255),
    description TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_teams_name ON teams (name);

-- owners ---------------------------------------------------------------------
CREATE TABLE owners (
    id         TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(name) <= 255),
    email      TEXT NOT NULL CHECK (length(email) <= 255),
    team_id    TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_owners_email ON owners (email);
CREATE INDEX idx_owners_team_id ON owners (team_id);

-- renewal_policies (certificate_profile_id: 0003, agent_group_id: 0004) -------
CREATE TABLE renewal_policies (
    id                     TEXT    NOT NULL PRIMARY KEY,
    name                   TEXT    NOT NULL UNIQUE CHECK (length(name) <= 255),
    renewal_window_days    INTEGER NOT NULL,
    auto_renew             INTEGER NOT NULL DEFAULT 1 CHECK (auto_renew IN (0, 1)),
    max_retries            INTEGER NOT NULL DEFAULT 3,
    retry_interval_minutes INTEGER NOT NULL DEFAULT 60,
    alert_thresholds_days  TEXT    NOT NULL DEFAULT '[30, 14, 7, 0]' CHECK (json_valid(alert_thresholds_days)),
    created_at             TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at             TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_renewal_policies_name ON renewal_policies (name);

-- issuers (config columns: 0009) ----------------------------------------------
CREATE TABLE issuers (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE CHECK (length(name) <= 255),
    type       TEXT    NOT NULL CHECK (length(type) <= 255),
    config     TEXT    CHECK (config IS NULL OR json_valid(config)),
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_issuers_name ON issuers (name);
CREATE INDEX idx_issuers_enabled ON issuers (enabled);

-- agents (metadata columns: 0002) ---------------------------------------------
CREATE TABLE agents (
    id                TEXT NOT NULL PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE CHECK (length(name) <= 255),
    hostname          TEXT NOT NULL CHECK (length(hostname) <= 255),
    status            TEXT NOT NULL DEFAULT 'Offline' CHECK (length(status) <= 50),
    last_heartbeat_at TEXT,
    registered_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    api_key_hash      TEXT NOT NULL CHECK (length(api_key_hash) <= 255)
);
CREATE INDEX idx_agents_status ON agents (status);
CREATE INDEX idx_agents_hostname ON agents (hostname);
CREATE INDEX idx_agents_last_heartbeat_at ON agents (last_heartbeat_at);
CREATE INDEX idx_agents_online_heartbeat ON agents (status, last_heartbeat_at)
    WHERE status = 'Online';

-- managed_certificates (profile: 0003, revocation: 0005) ----------------------
CREATE TABLE managed_certificates (
    id                 TEXT NOT NULL PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE CHECK (length(name) <= 255),
    common_name        TEXT NOT NULL CHECK (length(common_name) <= 255),
    sans               TEXT DEFAULT '[]' CHECK (sans IS NULL OR (json_valid(sans) AND json_type(sans) = 'array')),
    environment        TEXT CHECK (length(environment) <= 50),
    owner_id           TEXT NOT NULL REFERENCES owners (id) ON DELETE RESTRICT,
    team_id            TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    issuer_id          TEXT NOT NULL REFERENCES issuers (id) ON DELETE RESTRICT,
    renewal_policy_id  TEXT NOT NULL REFERENCES renewal_policies (id) ON DELETE RESTRICT,
    status             TEXT NOT NULL DEFAULT 'Pending' CHECK (length(status) <= 50),
    expires_at         TEXT,          -- NULL = never issued
    tags               TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),
    last_renewal_at    TEXT,
    last_deployment_at TEXT,
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_managed_certificates_status ON managed_certificates (status);
CREATE INDEX idx_managed_certificates_expires_at ON managed_certificates (expires_at);
CREATE INDEX idx_managed_certificates_owner_id ON managed_certificates (owner_id);
CREATE INDEX idx_managed_certificates_team_id ON managed_certificates (team_id);
CREATE INDEX idx_managed_certificates_issuer_id ON managed_certificates (issuer_id);
CREATE INDEX idx_managed_certificates_name ON managed_certificates (name);
-- certctl-c additions
CREATE INDEX idx_managed_certificates_created_id ON managed_certificates (created_at, id);
CREATE INDEX idx_managed_certificates_renewal_policy_id ON managed_certificates (renewal_policy_id);

-- deployment_targets (config columns: 0010) -----------------------------------
CREATE TABLE deployment_targets (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(name) <= 255),
    type       TEXT    NOT NULL CHECK (length(type) <= 255),
    agent_id   TEXT    NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    config     TEXT    CHECK (config IS NULL OR json_valid(config)),
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_deployment_targets_agent_id ON deployment_targets (agent_id);
CREATE INDEX idx_deployment_targets_enabled ON deployment_targets (enabled);
CREATE INDEX idx_deployment_targets_name ON deployment_targets (name);
CREATE UNIQUE INDEX idx_deployment_targets_agent_name ON deployment_targets (agent_id, name);

-- certificate_target_mappings -------------------------------------------------
CREATE TABLE certificate_target_mappings (
    certificate_id TEXT NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    target_id      TEXT NOT NULL REFERENCES deployment_targets (id) ON DELETE CASCADE,
    PRIMARY KEY (certificate_id, target_id)
);
CREATE INDEX idx_certificate_target_mappings_target_id ON certificate_target_mappings (target_id);

-- certificate_versions (key_algorithm/key_size: 0003) --------------------------
CREATE TABLE certificate_versions (
    id                 TEXT NOT NULL PRIMARY KEY,
    certificate_id     TEXT NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    serial_number      TEXT NOT NULL CHECK (length(serial_number) <= 255),
    not_before         TEXT NOT NULL,
    not_after          TEXT NOT NULL,
    fingerprint_sha256 TEXT NOT NULL UNIQUE CHECK (length(fingerprint_sha256) <= 255),
    pem_chain          TEXT NOT NULL,
    csr_pem            TEXT,
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_certificate_versions_certificate_id ON certificate_versions (certificate_id);
CREATE INDEX idx_certificate_versions_fingerprint ON certificate_versions (fingerprint_sha256);
CREATE INDEX idx_certificate_versions_cert_created ON certificate_versions (certificate_id, created_at DESC);

-- jobs (verification columns: 0008) -------------------------------------------
CREATE TABLE jobs (
    id                TEXT    NOT NULL PRIMARY KEY,
    type              TEXT    NOT NULL CHECK (length(type) <= 255),
    certificate_id    TEXT    REFERENCES managed_certificates (id) ON DELETE CASCADE,
    target_id         TEXT    REFERENCES deployment_targets (id) ON DELETE SET NULL,
    agent_id          TEXT    REFERENCES agents (id) ON DELETE SET NULL,
    status            TEXT    NOT NULL DEFAULT 'Pending' CHECK (length(status) <= 50),
    attempts          INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL DEFAULT 3,
    last_error        TEXT,
    deployment_result TEXT    CHECK (deployment_result IS NULL OR json_valid(deployment_result)),
    scheduled_at      TEXT,
    started_at        TEXT,
    completed_at      TEXT,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_jobs_status ON jobs (status);
CREATE INDEX idx_jobs_certificate_id ON jobs (certificate_id);
CREATE INDEX idx_jobs_scheduled_at ON jobs (scheduled_at);
CREATE INDEX idx_jobs_agent_id ON jobs (agent_id);
CREATE INDEX idx_jobs_status_scheduled_at ON jobs (status, scheduled_at);
-- certctl-c additions
CREATE INDEX idx_jobs_created_at ON jobs (created_at);
CREATE INDEX idx_jobs_target_id ON jobs (target_id);

-- policy_rules ----------------------------------------------------------------
CREATE TABLE policy_rules (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE CHECK (length(name) <= 255),
    type       TEXT    NOT NULL CHECK (length(type) <= 255),
    config     TEXT    NOT NULL CHECK (json_valid(config)),
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_policy_rules_name ON policy_rules (name);
CREATE INDEX idx_policy_rules_enabled ON policy_rules (enabled);

-- policy_violations -----------------------------------------------------------
CREATE TABLE policy_violations (
    id             TEXT NOT NULL PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    rule_id        TEXT NOT NULL REFERENCES policy_rules (id) ON DELETE CASCADE,
    message        TEXT NOT NULL,
    severity       TEXT NOT NULL CHECK (length(severity) <= 50),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_policy_violations_certificate_id ON policy_violations (certificate_id);
CREATE INDEX idx_policy_violations_rule_id ON policy_violations (rule_id);
CREATE INDEX idx_policy_violations_severity ON policy_violations (severity);

-- audit_events (append-only: 0012; deliberately no foreign keys) ---------------
CREATE TABLE audit_events (
    id            TEXT NOT NULL PRIMARY KEY,
    actor         TEXT NOT NULL CHECK (length(actor) <= 255),
    actor_type    TEXT NOT NULL CHECK (length(actor_type) <= 50),
    action        TEXT NOT NULL CHECK (length(action) <= 255),
    resource_type TEXT NOT NULL CHECK (length(resource_type) <= 255),
    resource_id   TEXT NOT NULL CHECK (length(resource_id) <= 255),
    details       TEXT CHECK (details IS NULL OR json_valid(details)),
    timestamp     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_audit_events_resource_type_id ON audit_events (resource_type, resource_id);
CREATE INDEX idx_audit_events_actor ON audit_events (actor);
CREATE INDEX idx_audit_events_timestamp ON audit_events (timestamp);
CREATE INDEX idx_audit_events_action ON audit_events (action);
CREATE INDEX idx_audit_events_timestamp_desc ON audit_events (timestamp DESC);
-- certctl-c addition
CREATE INDEX idx_audit_events_timestamp_id ON audit_events (timestamp, id);

-- notification_events (created_at is a certctl-c addition) --------------------
CREATE TABLE notification_events (
    id             TEXT NOT NULL PRIMARY KEY,
    type           TEXT NOT NULL CHECK (length(type) <= 255),
    certificate_id TEXT REFERENCES managed_certificates (id) ON DELETE CASCADE,
    channel        TEXT NOT NULL CHECK (length(channel) <= 255),
    recipient      TEXT NOT NULL CHECK (length(recipient) <= 255),
    message        TEXT NOT NULL,
    sent_at        TEXT,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (length(status) <= 50),
    error          TEXT,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_notification_events_certificate_id ON notification_events (certificate_id);
CREATE INDEX idx_notification_events_status ON notification_events (status);
CREATE INDEX idx_notification_events_type ON notification_events (type);
CREATE INDEX idx_notification_events_created_at ON notification_events (created_at);
