-- 0002_agent_metadata (PostgreSQL 15): heartbeat metadata on agents.
ALTER TABLE agents ADD COLUMN os VARCHAR(100) DEFAULT '';
ALTER TABLE agents ADD COLUMN architecture VARCHAR(100) DEFAULT '';
ALTER TABLE agents ADD COLUMN ip_address VARCHAR(45) DEFAULT '';
ALTER TABLE agents ADD COLUMN version VARCHAR(50) DEFAULT '';
CREATE INDEX idx_agents_os ON agents (os);
CREATE INDEX idx_agents_architecture ON agents (architecture);
