-- 0016_server_keys (SQLite 3.40) -- certctl-c addition.
-- Server keygen mode (CERTCTL_KEYGEN_MODE=server) keeps the private key of each version it
-- issued here, sealed with CERTCTL_CONFIG_ENCRYPTION_KEY when one is set, so that the
-- agent deploying the certificate can fetch it. (v2.1 wrote the key into csr_pem.)
CREATE TABLE server_keys (
    certificate_version_id TEXT NOT NULL PRIMARY KEY
        REFERENCES certificate_versions (id) ON DELETE CASCADE,
    key_sealed             BLOB NOT NULL,
    created_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
