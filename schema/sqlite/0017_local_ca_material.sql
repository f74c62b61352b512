-- 0017_local_ca_material (SQLite 3.40) -- certctl-c addition.
-- A self-signed Local CA's certificate and key, so that every serve replica on one
-- database signs with the same CA (each keeps a copy under its data dir). The key is
-- sealed with CERTCTL_CONFIG_ENCRYPTION_KEY when one is set.
CREATE TABLE local_ca_material (
    issuer_id  TEXT NOT NULL PRIMARY KEY REFERENCES issuers (id) ON DELETE CASCADE,
    cert_pem   TEXT NOT NULL,
    key_sealed BLOB NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
