-- 0003_certificate_profiles (SQLite 3.40)
CREATE TABLE certificate_profiles (
    id                     TEXT    NOT NULL PRIMARY KEY,
    name                   TEXT    NOT NULL UNIQUE CHECK (length(name) <= 255),
    description            TEXT    DEFAULT '',
    allowed_key_algorithms TEXT    NOT NULL DEFAULT '[{"algorithm": "ECDSA", "min_size": 256}, {"algorithm": "RSA", "min_size": 2048}]' CHECK (json_valid(allowed_key_algorithms)),
    max_ttl_seconds        INTEGER NOT NULL DEFAULT 0,
    allowed_ekus           TEXT    NOT NULL DEFAULT '["serverAuth"]' CHECK (json_valid(allowed_ekus)),
    required_san_patterns  TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(required_san_patterns)),
    spiffe_uri_pattern     TEXT    DEFAULT '' CHECK (length(spiffe_uri_pattern) <= 512),
    allow_short_lived      INTEGER NOT NULL DEFAULT 0 CHECK (allow_short_lived IN (0, 1)),
    enabled                INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at             TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at             TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_certificate_profiles_name ON certificate_profiles (name);
CREATE INDEX idx_certificate_profiles_enabled ON certificate_profiles (enabled);

-- ADD COLUMN with REFERENCES needs a NULL default (implicit here).
ALTER TABLE managed_certificates ADD COLUMN certificate_profile_id TEXT
    REFERENCES certificate_profiles (id) ON DELETE SET NULL;
CREATE INDEX idx_managed_certificates_profile_id ON managed_certificates (certificate_profile_id);

ALTER TABLE renewal_policies ADD COLUMN certificate_profile_id TEXT
    REFERENCES certificate_profiles (id) ON DELETE SET NULL;

ALTER TABLE certificate_versions ADD COLUMN key_algorithm TEXT DEFAULT '' CHECK (length(key_algorithm) <= 50);
ALTER TABLE certificate_versions ADD COLUMN key_size INTEGER DEFAULT 0;
