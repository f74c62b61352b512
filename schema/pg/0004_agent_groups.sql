-- 0004_agent_groups (PostgreSQL 15)
CREATE TABLE agent_groups (
    id                 TEXT         NOT NULL PRIMARY KEY,
    name               VARCHAR(255) NOT NULL UNIQUE,
    description        TEXT                  DEFAULT '',
    match_os           VARCHAR(100)          DEFAULT '',
    match_architecture VARCHAR(100)          DEFAULT '',
    match_ip_cidr      VARCHAR(45)           DEFAULT '',
    match_version      VARCHAR(50)           DEFAULT '',
    enabled            BOOLEAN      NOT NULL DEFAULT true,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    updated_at         TIMESTAMPTZ  NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_agent_groups_name ON agent_groups (name);
CREATE INDEX idx_agent_groups_enabled ON agent_groups (enabled);

CREATE TABLE agent_group_members (
    agent_group_id  TEXT        NOT NULL REFERENCES agent_groups (id) ON DELETE CASCADE,
    agent_id        TEXT        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    membership_type VARCHAR(20) NOT NULL DEFAULT 'include',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (agent_group_id, agent_id)
);
CREATE INDEX idx_agent_group_members_agent ON agent_group_members (agent_id);

ALTER TABLE renewal_policies ADD COLUMN agent_group_id TEXT
    REFERENCES agent_groups (id) ON DELETE SET NULL;
