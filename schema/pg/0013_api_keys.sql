-- 0013_api_keys (PostgreSQL): API keys stored by SHA-256 hash only (certctl-c addition).
-- role 'admin' keys may call every route; 'agent' keys only their own agent's routes.
CREATE TABLE api_keys (
    id           TEXT NOT NULL PRIMARY KEY,
    name         VARCHAR(255) NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64),
    role         TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    agent_id     TEXT REFERENCES agents (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    CHECK ((role = 'agent') = (agent_id IS NOT NULL))
);
CREATE INDEX idx_api_keys_agent_id ON api_keys (agent_id);
