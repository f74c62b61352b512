-- 0002_agent_metadata (SQLite 3.40): heartbeat metadata on agents.
ALTER TABLE agents ADD COLUMN os TEXT DEFAULT '' CHECK (length(os) <= 100);
ALTER TABLE agents ADD COLUMN architecture TEXT DEFAULT '' CHECK (length(architecture) <= 100);
ALTER TABLE agents ADD COLUMN ip_address TEXT DEFAULT '' CHECK (length(ip_address) <= 45);
ALTER TABLE agents ADD COLUMN version TEXT DEFAULT '' CHECK (length(version) <= 50);
CREATE INDEX idx_agents_os ON agents (os);
CREATE INDEX idx_agents_architecture ON agents (architecture);
