-- 0012_audit_append_only (SQLite 3.40) -- certctl-c addition.
-- The database itself refuses UPDATE and DELETE on audit_events (SQLite has no
-- TRUNCATE; "DELETE FROM audit_events" fires the delete trigger per row, which
-- also disables the truncate optimisation).
-- (audit_events has no foreign keys, so no cascade can ever try to delete rows.)
CREATE TRIGGER audit_events_no_update
    BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete
    BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
