-- 0021_lookup_indexes (SQLite 3.40) -- certctl-c addition.
-- SQLite plans without statistics, and for these look-ups it chose an index that made it
-- read every row of a type or a status; each index below wins that choice.
-- * A certificate's notifications and jobs of a type (and status): the renewal check's
--   "warnings of this certificate" read every ExpirationWarning through the index on
--   type, so a first check over 100,000 certificates slowed with each warning it wrote
--   (quadratic); "a Pending deployment of this certificate to this target" read every
--   Pending deployment through the job claim index.
CREATE INDEX idx_notification_events_cert_type ON notification_events (certificate_id, type);
CREATE INDEX idx_jobs_cert_type_status ON jobs (certificate_id, type, status);
-- * Notification lists, newest first, with or without a status: a renewal check writes
--   thousands with one created_at, and the tie on id was sorted over all of them.
CREATE INDEX idx_notification_events_created_id ON notification_events (created_at, id);
CREATE INDEX idx_notification_events_status_created_id ON notification_events (status, created_at, id);
-- * The audit trail of one resource (GET /audit?resource_id=, GET /audit/{resource id}):
--   the (resource_type, resource_id) index needs the type, so these scanned the trail.
CREATE INDEX idx_audit_events_resource_ts ON audit_events (resource_id, timestamp, id);
-- * The short-lived expiry loop, every 30 s: certificates of short-lived profiles that are
--   due, found from the profile instead of every Active certificate.
CREATE INDEX idx_managed_certificates_profile_status_expires ON managed_certificates (certificate_profile_id, status, expires_at);
