-- 0020_job_claim_index (PostgreSQL 15) -- certctl-c addition.
-- The job processor claims the oldest due job of a type: WHERE type = $ AND status = $
-- ORDER BY COALESCE(scheduled_at, created_at), created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED.
-- Without an index in that order every claim sorted all the Pending jobs.
CREATE INDEX idx_jobs_claim ON jobs (type, status, (COALESCE(scheduled_at, created_at)), created_at, id);
