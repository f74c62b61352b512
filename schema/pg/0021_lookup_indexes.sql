-- 0021_lookup_indexes (PostgreSQL 15) -- certctl-c addition.
-- The same indexes as SQLite's 0021 (see there for the look-ups each one serves): a
-- certificate's notifications and jobs of a type, notification lists newest first, one
-- resource's audit trail, and the short-lived expiry loop's due certificates.
CREATE INDEX idx_notification_events_cert_type ON notification_events (certificate_id, type);
CREATE INDEX idx_jobs_cert_type_status ON jobs (certificate_id, type, status);
CREATE INDEX idx_notification_events_created_id ON notification_events (created_at, id);
CREATE INDEX idx_notification_events_status_created_id ON notification_events (status, created_at, id);
CREATE INDEX idx_audit_events_resource_ts ON audit_events (resource_id, timestamp, id);
CREATE INDEX idx_managed_certificates_profile_status_expires ON managed_certificates (certificate_profile_id, status, expires_at);
