-- 0005_revocation (PostgreSQL 15)
-- certificate_id / issuer_id FKs are NO ACTION on purpose: a revoked certificate
-- (or its issuer) cannot be deleted while its revocation record exists.
CREATE TABLE certificate_revocations (
    id              TEXT        NOT NULL PRIMARY KEY,
    certificate_id  TEXT        NOT NULL REFERENCES managed_certificates (id) ON DELETE NO ACTION,
    serial_number   TEXT        NOT NULL,
    reason          VARCHAR(50) NOT NULL DEFAULT 'unspecified',
    revoked_by      TEXT        NOT NULL,
    revoked_at      TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    issuer_id       TEXT        REFERENCES issuers (id) ON DELETE NO ACTION,
    issuer_notified BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_certificate_revocations_revoked_at ON certificate_revocations (revoked_at);
CREATE INDEX idx_certificate_revocations_cert_id ON certificate_revocations (certificate_id);
CREATE UNIQUE INDEX idx_certificate_revocations_serial ON certificate_revocations (serial_number);
-- certctl-c addition
CREATE INDEX idx_certificate_revocations_issuer ON certificate_revocations (issuer_id);

ALTER TABLE managed_certificates ADD COLUMN revoked_at TIMESTAMPTZ;
ALTER TABLE managed_certificates ADD COLUMN revocation_reason VARCHAR(50);
