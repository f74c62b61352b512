-- 0018_policy_engine (SQLite 3.40) -- certctl-c addition.
-- Policy rules get a severity (it used to live in config.severity) and an optional agent
-- group scope; profiles get requires_approval; a violation is stored once per
-- (certificate, rule, message). Rules written with the earlier config shapes are rewritten
-- to the current ones (daemon/h-policies.c).
ALTER TABLE policy_rules ADD COLUMN severity TEXT NOT NULL DEFAULT 'Warning'
    CHECK (severity IN ('Warning', 'Error', 'Critical'));
-- ADD COLUMN with REFERENCES needs a NULL default (implicit here). A group in use by a
-- rule cannot be deleted: dropping the scope would widen the rule.
ALTER TABLE policy_rules ADD COLUMN agent_group_id TEXT
    REFERENCES agent_groups (id) ON DELETE RESTRICT;
CREATE INDEX idx_policy_rules_agent_group_id ON policy_rules (agent_group_id);

UPDATE policy_rules SET severity = json_extract(config, '$.severity')
    WHERE json_extract(config, '$.severity') IN ('Warning', 'Error', 'Critical');
UPDATE policy_rules SET config = json_remove(config, '$.severity')
    WHERE json_type(config, '$.severity') IS NOT NULL;
UPDATE policy_rules SET type = 'AllowedIssuers',
    config = json_object('issuers', json(json_extract(config, '$.allowed_issuers')))
    WHERE type = 'IssuerRestriction' AND json_type(config, '$.allowed_issuers') = 'array';
UPDATE policy_rules SET config = json_object('RSA', json_extract(config, '$.min_bits'))
    WHERE type = 'MinKeySize' AND json_type(config, '$.min_bits') = 'integer';
UPDATE policy_rules SET config = json_object('patterns', json_array(json_extract(config, '$.pattern')))
    WHERE type = 'RequiredSANPattern' AND json_type(config, '$.pattern') = 'text';

ALTER TABLE certificate_profiles ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 0
    CHECK (requires_approval IN (0, 1));

DELETE FROM policy_violations WHERE rowid NOT IN (
    SELECT MIN(rowid) FROM policy_violations GROUP BY certificate_id, rule_id, message);
CREATE UNIQUE INDEX idx_policy_violations_dedup
    ON policy_violations (certificate_id, rule_id, message);
