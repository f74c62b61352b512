-- 0021_per_certificate_indexes (PostgreSQL 15) -- certctl-c addition.
-- Look-ups of one certificate's notifications and jobs name the certificate and a type
-- (and a status): these answer them from that certificate's entries alone. SQLite, which
-- plans without statistics, needed them (see the SQLite file); kept the same here.
CREATE INDEX idx_notification_events_cert_type ON notification_events (certificate_id, type);
CREATE INDEX idx_jobs_cert_type_status ON jobs (certificate_id, type, status);
