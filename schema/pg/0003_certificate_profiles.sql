-- 0003_certificate_profiles (PostgreSQL 15)
CREATE TABLE certificate_profiles (
    id                     TEXT         NOT NULL PRIMARY KEY,
    name                   VARCHAR(255) NOT NULL UNIQUE,
    description            TEXT                  DEFAULT '',
    allowed_key_algorithms JSONB        NOT NULL DEFAULT '[{"algorithm": "ECDSA", "min_size": 256}, {"algorithm": "RSA", "min_size": 2048}]',
    max_ttl_seconds        INT          NOT NULL DEFAULT 0,
    allowed_ekus           JSONB        NOT NULL DEFAULT '["serverAuth"]',
    required_san_patterns  JSONB        NOT NULL DEFAULT '[]',
    spiffe_uri_pattern     VARCHAR(512)          DEFAULT '',
    allow_short_lived      BOOLEAN      NOT NULL DEFAULT false,
    enabled                BOOLEAN      NOT NULL DEFAULT true,
    created_at             TIMESTAMPTZ  NOT NULL DEFAULT NOW(),
    updated_at             TIMESTAMPTZ  NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_certificate_profiles_name ON certificate_profiles (name);
CREATE INDEX idx_certificate_profiles_enabled ON certificate_profiles (enabled);

ALTER TABLE managed_certificates ADD COLUMN certificate_profile_id TEXT
    REFERENCES certificate_profiles (id) ON DELETE SET NULL;
CREATE INDEX idx_managed_certificates_profile_id ON managed_certificates (certificate_profile_id);

ALTER TABLE renewal_policies ADD COLUMN certificate_profile_id TEXT
    REFERENCES certificate_profiles (id) ON DELETE SET NULL;

ALTER TABLE certificate_versions ADD COLUMN key_algorithm VARCHAR(50) DEFAULT '';
ALTER TABLE certificate_versions ADD COLUMN key_size INT DEFAULT 0;
