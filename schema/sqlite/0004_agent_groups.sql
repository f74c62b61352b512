-- 0004_agent_groups (SQLite 3.40)
CREATE TABLE agent_groups (
    id                 TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL UNIQUE CHECK (length(name) <= 255),
    description        TEXT    DEFAULT '',
    match_os           TEXT    DEFAULT '' CHECK (length(match_os) <= 100),
    match_architecture TEXT    DEFAULT '' CHECK (length(match_architecture) <= 100),
    match_ip_cidr      TEXT    DEFAULT '' CHECK (length(match_ip_cidr) <= 45),
    match_version      TEXT    DEFAULT '' CHECK (length(match_version) <= 50),
    enabled            INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_agent_groups_name ON agent_groups (name);
CREATE INDEX idx_agent_groups_enabled ON agent_groups (enabled);

CREATE TABLE agent_group_members (
    agent_group_id  TEXT NOT NULL REFERENCES agent_groups (id) ON DELETE CASCADE,
    agent_id        TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    membership_type TEXT NOT NULL DEFAULT 'include' CHECK (length(membership_type) <= 20),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    PRIMARY KEY (agent_group_id, agent_id)
);
CREATE INDEX idx_agent_group_members_agent ON agent_group_members (agent_id);

ALTER TABLE renewal_policies ADD COLUMN agent_group_id TEXT
    REFERENCES agent_groups (id) ON DELETE SET NULL;
