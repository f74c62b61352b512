-- 0015_scheduler_leases (SQLite): certctl-c addition.
-- scheduler_leases: which serve process runs a periodic loop (one row per loop name); a
-- holder keeps a loop until expires_at, then any replica may take it over.
CREATE TABLE scheduler_leases (
    name       TEXT NOT NULL PRIMARY KEY CHECK (length(name) <= 100),
    holder     TEXT NOT NULL CHECK (length(holder) <= 255),
    expires_at TEXT NOT NULL
);
-- notification_events.dedup_key: at most one notification per key, e.g. one expiration
-- warning per (certificate, threshold): "expiry:<certificate id>:<days>"
ALTER TABLE notification_events ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX idx_notification_events_dedup_key ON notification_events (dedup_key)
    WHERE dedup_key IS NOT NULL;
