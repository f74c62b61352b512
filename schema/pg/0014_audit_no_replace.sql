-- 0014_audit_no_replace (PostgreSQL 15) -- certctl-c addition.
-- Nothing to do here: PostgreSQL has no INSERT OR REPLACE, and INSERT … ON CONFLICT
-- DO UPDATE fires the update trigger of 0012, which refuses it. The migration exists
-- so that both engines share one numbering.
SELECT 1;
