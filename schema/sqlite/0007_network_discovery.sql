-- 0007_network_discovery (SQLite 3.40)
CREATE TABLE network_scan_targets (
    id                    TEXT    NOT NULL PRIMARY KEY,
    name                  TEXT    NOT NULL,
    cidrs                 TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(cidrs) AND json_type(cidrs) = 'array'),
    ports                 TEXT    NOT NULL DEFAULT '[443]' CHECK (json_valid(ports) AND json_type(ports) = 'array'),
    enabled               INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    scan_interval_hours   INTEGER NOT NULL DEFAULT 6,
    timeout_ms            INTEGER NOT NULL DEFAULT 5000,
    last_scan_at          TEXT,
    last_scan_duration_ms INTEGER,
    last_scan_certs_found INTEGER,
    created_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
    updated_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now'))
);
CREATE INDEX idx_network_scan_targets_enabled ON network_scan_targets (enabled)
    WHERE enabled = 1;
