-- 0018_policy_engine (PostgreSQL 15) -- certctl-c addition.
-- Policy rules get a severity (it used to live in config.severity) and an optional agent
-- group scope; profiles get requires_approval; a violation is stored once per
-- (certificate, rule, message). Rules written with the earlier config shapes are rewritten
-- to the current ones (daemon/h-policies.c).
ALTER TABLE policy_rules ADD COLUMN severity VARCHAR(50) NOT NULL DEFAULT 'Warning'
    CHECK (severity IN ('Warning', 'Error', 'Critical'));
-- A group in use by a rule cannot be deleted: dropping the scope would widen the rule.
ALTER TABLE policy_rules ADD COLUMN agent_group_id TEXT
    REFERENCES agent_groups (id) ON DELETE RESTRICT;
CREATE INDEX idx_policy_rules_agent_group_id ON policy_rules (agent_group_id);

UPDATE policy_rules SET severity = config->>'severity'
    WHERE config->>'severity' IN ('Warning', 'Error', 'Critical');
UPDATE policy_rules SET config = config - 'severity' WHERE config ? 'severity';
UPDATE policy_rules SET type = 'AllowedIssuers',
    config = jsonb_build_object('issuers', config->'allowed_issuers')
    WHERE type = 'IssuerRestriction' AND jsonb_typeof(config->'allowed_issuers') = 'array';
UPDATE policy_rules SET config = jsonb_build_object('RSA', config->'min_bits')
    WHERE type = 'MinKeySize' AND jsonb_typeof(config->'min_bits') = 'number';
UPDATE policy_rules SET config = jsonb_build_object('patterns', jsonb_build_array(config->'pattern'))
    WHERE type = 'RequiredSANPattern' AND jsonb_typeof(config->'pattern') = 'string';

ALTER TABLE certificate_profiles ADD COLUMN requires_approval BOOLEAN NOT NULL DEFAULT false;

DELETE FROM policy_violations a USING policy_violations b
    WHERE a.certificate_id = b.certificate_id AND a.rule_id = b.rule_id
    AND a.message = b.message AND a.id > b.id;
CREATE UNIQUE INDEX idx_policy_violations_dedup
    ON policy_violations (certificate_id, rule_id, message);
