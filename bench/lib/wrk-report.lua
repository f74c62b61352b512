-- A copy of the peer harness's lib/wrk-report.lua (same WRKRESULT line for certctl).
-- Shared by every wrk script of the harness.
--
-- 1. wrk normally probes the target by connecting and immediately closing
--    (wrk.resolve -> wrk.connect).  `openssl ocsp` (OpenSSL 3.0) spins at
--    100% CPU forever on such an empty connection and stops serving, so the
--    probe is skipped here: addresses are only looked up.
function wrk.resolve(host, service)
  wrk.addrs = wrk.lookup(host, service)
end

-- 2. done(): print one machine-readable WRKRESULT line (wrk latency is in us).
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT rps=%.2f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f requests=%d bytes=%d err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout))
end
