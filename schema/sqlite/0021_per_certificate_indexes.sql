-- 0021_per_certificate_indexes (SQLite 3.40) -- certctl-c addition.
-- Look-ups of one certificate's notifications and jobs name the certificate and a type
-- (and a status). Without statistics SQLite preferred idx_notification_events_type and
-- idx_jobs_claim for them, so each one read every notification of that type, or every
-- Pending job of that type, in the database: a first renewal check over 100,000
-- certificates slowed down with every warning it wrote (quadratic). Indexes that start
-- with the certificate win that choice; the single-column v2.1 indexes stay.
CREATE INDEX idx_notification_events_cert_type ON notification_events (certificate_id, type);
CREATE INDEX idx_jobs_cert_type_status ON jobs (certificate_id, type, status);
