-- 0001_initial_schema (PostgreSQL 15)
-- Mirrors certctl v2.1 migration 000001 with the deliberate differences listed
-- in schema/README.md (capitalised status defaults, notification_events.created_at,
-- extra indexes). Run once inside a transaction by the migration runner.

-- teams ----------------------------------------------------------------------
CREATE TABLE teams (
    id          TEXT         NOT NULL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL UNIQUE,
    description TEXT,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_teams_name ON teams (name);

-- owners ---------------------------------------------------------------------
CREATE TABLE owners (
    id         TEXT         NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    email      VARCHAR(255) NOT NULL,
    team_id    TEXT         NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_owners_email ON owners (email);
CREATE INDEX idx_owners_team_id ON owners (team_id);

-- renewal_policies (certificate_profile_id: 0003, agent_group_id: 0004) -------
CREATE TABLE renewal_policies (
    id                     TEXT         NOT NULL PRIMARY KEY,
    name                   VARCHAR(255) NOT NULL UNIQUE,
    renewal_window_days    INT          NOT NULL,
    auto_renew             BOOLEAN      NOT NULL DEFAULT true,
    max_retries            INT          NOT NULL DEFAULT 3,
    retry_interval_minutes INT          NOT NULL DEFAULT 60,
    alert_thresholds_days  JSONB        NOT NULL DEFAULT '[30, 14, 7, 0]',
    created_at             TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    updated_at             TIMESTAMPTZ  NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_renewal_policies_name ON renewal_policies (name);

-- issuers (config columns: 0009) ----------------------------------------------
CREATE TABLE issuers (
    id         TEXT         NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL UNIQUE,
    type       VARCHAR(255) NOT NULL,
    config     JSONB,
    enabled    BOOLEAN      NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_issuers_name ON issuers (name);
CREATE INDEX idx_issuers_enabled ON issuers (enabled);

-- agents (metadata columns: 0002) ---------------------------------------------
CREATE TABLE agents (
    id                TEXT         NOT NULL PRIMARY KEY,
    name              VARCHAR(255) NOT NULL UNIQUE,
    hostname          VARCHAR(255) NOT NULL,
    status            VARCHAR(50)  NOT NULL DEFAULT 'Offline',
    last_heartbeat_at TIMESTAMPTZ,
    registered_at     TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    api_key_hash      VARCHAR(255) NOT NULL
);
CREATE INDEX idx_agents_status ON agents (status);
CREATE INDEX idx_agents_hostname ON agents (hostname);
CREATE INDEX idx_agents_last_heartbeat_at ON agents (last_heartbeat_at);
CREATE INDEX idx_agents_online_heartbeat ON agents (status, last_heartbeat_at)
    WHERE status = 'Online';

-- managed_certificates (profile: 0003, revocation: 0005) ----------------------
CREATE TABLE managed_certificates (
    id                 TEXT         NOT NULL PRIMARY KEY,
    name               VARCHAR(255) NOT NULL UNIQUE,
    common_name        VARCHAR(255) NOT NULL,
    sans               TEXT[]                DEFAULT ARRAY[]::TEXT[],
    environment        VARCHAR(50),
    owner_id           TEXT         NOT NULL REFERENCES owners (id) ON DELETE RESTRICT,
    team_id            TEXT         NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    issuer_id          TEXT         NOT NULL REFERENCES issuers (id) ON DELETE RESTRICT,
    renewal_policy_id  TEXT         NOT NULL REFERENCES renewal_policies (id) ON DELETE RESTRICT,
    status             VARCHAR(50)  NOT NULL DEFAULT 'Pending',
    expires_at         TIMESTAMPTZ,          -- NULL = never issued
    tags               JSONB        NOT NULL DEFAULT '{}',
    last_renewal_at    TIMESTAMPTZ,
    last_deployment_at TIMESTAMPTZ,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    updated_at         TIMESTAMPTZ  NOT NULL DEFAULT NOW()
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
    id         TEXT         NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    type       VARCHAR(255) NOT NULL,
    agent_id   TEXT         NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    config     JSONB,
    enabled    BOOLEAN      NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT NOW()
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
    id                 TEXT         NOT NULL PRIMARY KEY,
    certificate_id     TEXT         NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    serial_number      VARCHAR(255) NOT NULL,
    not_before         TIMESTAMPTZ  NOT NULL,
    not_after          TIMESTAMPTZ  NOT NULL,
    fingerprint_sha256 VARCHAR(255) NOT NULL UNIQUE,
    pem_chain          TEXT         NOT NULL,
    csr_pem            TEXT,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_certificate_versions_certificate_id ON certificate_versions (certificate_id);
CREATE INDEX idx_certificate_versions_fingerprint ON certificate_versions (fingerprint_sha256);
CREATE INDEX idx_certificate_versions_cert_created ON certificate_versions (certificate_id, created_at DESC);

-- jobs (verification columns: 0008) -------------------------------------------
CREATE TABLE jobs (
    id                TEXT         NOT NULL PRIMARY KEY,
    type              VARCHAR(255) NOT NULL,
    certificate_id    TEXT         REFERENCES managed_certificates (id) ON DELETE CASCADE,
    target_id         TEXT         REFERENCES deployment_targets (id) ON DELETE SET NULL,
    agent_id          TEXT         REFERENCES agents (id) ON DELETE SET NULL,
    status            VARCHAR(50)  NOT NULL DEFAULT 'Pending',
    attempts          INT          NOT NULL DEFAULT 0,
    max_attempts      INT          NOT NULL DEFAULT 3,
    last_error        TEXT,
    deployment_result JSONB,
    scheduled_at      TIMESTAMPTZ,
    started_at        TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT NOW()
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
    id         TEXT         NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL UNIQUE,
    type       VARCHAR(255) NOT NULL,
    config     JSONB        NOT NULL,
    enabled    BOOLEAN      NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_policy_rules_name ON policy_rules (name);
CREATE INDEX idx_policy_rules_enabled ON policy_rules (enabled);

-- policy_violations -----------------------------------------------------------
CREATE TABLE policy_violations (
    id             TEXT        NOT NULL PRIMARY KEY,
    certificate_id TEXT        NOT NULL REFERENCES managed_certificates (id) ON DELETE CASCADE,
    rule_id        TEXT        NOT NULL REFERENCES policy_rules (id) ON DELETE CASCADE,
    message        TEXT        NOT NULL,
    severity       VARCHAR(50) NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_policy_violations_certificate_id ON policy_violations (certificate_id);
CREATE INDEX idx_policy_violations_rule_id ON policy_violations (rule_id);
CREATE INDEX idx_policy_violations_severity ON policy_violations (severity);

-- audit_events (append-only: 0012; deliberately no foreign keys) ---------------
CREATE TABLE audit_events (
    id            TEXT         NOT NULL PRIMARY KEY,
    actor         VARCHAR(255) NOT NULL,
    actor_type    VARCHAR(50)  NOT NULL,
    action        VARCHAR(255) NOT NULL,
    resource_type VARCHAR(255) NOT NULL,
    resource_id   VARCHAR(255) NOT NULL,
    details       JSONB,
    timestamp     TIMESTAMPTZ  NOT NULL DEFAULT NOW()
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
    id             TEXT         NOT NULL PRIMARY KEY,
    type           VARCHAR(255) NOT NULL,
    certificate_id TEXT         REFERENCES managed_certificates (id) ON DELETE CASCADE,
    channel        VARCHAR(255) NOT NULL,
    recipient      VARCHAR(255) NOT NULL,
    message        TEXT         NOT NULL,
    sent_at        TIMESTAMPTZ,
    status         VARCHAR(50)  NOT NULL DEFAULT 'pending',
    error          TEXT,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_notification_events_certificate_id ON notification_events (certificate_id);
CREATE INDEX idx_notification_events_status ON notification_events (status);
CREATE INDEX idx_notification_events_type ON notification_events (type);
CREATE INDEX idx_notification_events_created_at ON notification_events (created_at);
