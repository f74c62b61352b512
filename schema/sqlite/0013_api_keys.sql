-- 0013_api_keys (SQLite): API keys stored by SHA-256 hash only (certctl-c addition).
-- role 'admin' keys may call every route; 'agent' keys only their own agent's routes.
CREATE TABLE api_keys (
    id           TEXT NOT NULL PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(name) <= 255),
    key_hash     TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64),
    role         TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    agent_id     TEXT REFERENCES agents (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    last_used_at TEXT,
    revoked_at   TEXT,
    CHECK ((role = 'agent') = (agent_id IS NOT NULL))
);
CREATE INDEX idx_api_keys_agent_id ON api_keys (agent_id);
