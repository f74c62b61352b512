-- 0014_audit_no_replace (SQLite 3.40) -- certctl-c addition.
-- "INSERT OR REPLACE" deletes the conflicting row without firing the delete trigger
-- of 0012 (SQLite fires it only with recursive_triggers on), so an audit row could be
-- rewritten. Refuse any insert that reuses an existing id before REPLACE can act.
CREATE TRIGGER audit_events_no_replace
    BEFORE INSERT ON audit_events
    WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
