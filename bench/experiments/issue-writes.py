#!/usr/bin/env python3
"""issue-writes.py — what an issuance costs SQLite alone, and what group commit would save.

  certctl db migrate --data-dir DIR && issue-writes.py DIR/certctl.db [--n 3000]

Replays, in one thread on certctl's schema and pragmas (WAL, synchronous=NORMAL,
cache_size=-8192; checkpoints off, one TRUNCATE checkpoint at the end, timed separately),
the rows that POST /api/v1/agents/{id}/csr writes for one certificate (daemon/h-agent-csr.c,
daemon/issuance.c): the csr_submitted audit event (its own transaction), then a version
(~1.5 kB chain + the CSR), the certificate's UPDATE, a RenewalSuccess notification and the
certificate_issued audit event (one transaction), plus the API audit event of the request
(batched by the audit thread: one transaction per 256). Ids are time-ordered like
cc_id_new; fingerprints random. Modes:
  per-request  two transactions per certificate, as the server does
  group-K      the rows of K certificates in one transaction (group commit)
Prints, per mode: certificates/s, µs per certificate, WAL frames (pages written) per
certificate, and the checkpoint's time per certificate. Foreign keys are off (they read,
they do not write). Not part of run-all.sh; numbers in docs/benchmarks.md.
"""
import argparse
import os
import secrets
import shutil
import sqlite3
import time

CHAIN = "-----BEGIN CERTIFICATE-----\n" + "A" * 900 + "\n-----END CERTIFICATE-----\n" + \
        "-----BEGIN CERTIFICATE-----\n" + "B" * 600 + "\n-----END CERTIFICATE-----\n"
CSR = "-----BEGIN CERTIFICATE REQUEST-----\n" + "C" * 420 + "\n-----END CERTIFICATE REQUEST-----\n"
seq = [0]


def nid(prefix):
    seq[0] += 1
    return "%s-%d%09d-%d" % (prefix, int(time.time()), time.time_ns() % 10**9, seq[0])


def ts():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % (int(t * 1e6) % 1000000)


def audit(db, action, res_type, res_id, details):
    db.execute("INSERT INTO audit_events (id, actor, actor_type, action, resource_type, resource_id, details, timestamp) "
               "VALUES (?,?,?,?,?,?,?,?)", (nid("ae"), "api-key-user", "User", action, res_type, res_id, details, ts()))


def certificate(db, i):
    cert = "mc-iss-%05d" % (i % 2000 + 1)
    now = ts()
    db.execute("INSERT INTO certificate_versions (id, certificate_id, serial_number, not_before, not_after, "
               "fingerprint_sha256, pem_chain, csr_pem, created_at, key_algorithm, key_size) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
               (nid("cv"), cert, secrets.token_hex(20), now, now, secrets.token_hex(32), CHAIN, CSR, now, "ECDSA", 256))
    db.execute("UPDATE managed_certificates SET status = 'Active', expires_at = ?, last_renewal_at = ?, updated_at = ? "
               "WHERE id = ?", (now, now, now, cert))
    db.execute("INSERT INTO notification_events (id, type, certificate_id, channel, recipient, message, status, created_at) "
               "VALUES (?,?,?,?,?,?,?,?)", (nid("ne"), "RenewalSuccess", cert, "Email", "iss@example.com",
                                           "Certificate svc was issued: serial 0123, 0 deployment(s) queued", "pending", now))
    audit(db, "certificate_issued", "certificate", cert, '{"serial":"0123","version_id":"cv-1","deployment_jobs":0}')


def wal_frames(path):
    try:
        return (os.path.getsize(path + "-wal") - 32) // (4096 + 24)
    except OSError:
        return 0


def run(path, n, group):
    db = sqlite3.connect(path, isolation_level=None)
    for p in ("journal_mode=WAL", "synchronous=NORMAL", "temp_store=MEMORY", "cache_size=-8192", "wal_autocheckpoint=0"):
        db.execute("PRAGMA " + p)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    t0 = time.perf_counter()
    api_pending = 0
    i = 0
    while i < n:
        if group == 0:  # as the server: csr_submitted, then the issuance transaction
            db.execute("BEGIN IMMEDIATE")
            audit(db, "csr_submitted", "certificate", "mc-iss-%05d" % (i % 2000 + 1), '{"agent_hostname":"iss.example.com"}')
            db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
            certificate(db, i)
            db.execute("COMMIT")
            i += 1
            api_pending += 1
            if api_pending == 256:  # the audit thread's batch of API events
                db.execute("BEGIN IMMEDIATE")
                for _ in range(256):
                    audit(db, "POST /api/v1/agents/ag-iss-1/csr", "api", "/api/v1/agents/ag-iss-1/csr", '{"status":202}')
                db.execute("COMMIT")
                api_pending = 0
        else:
            db.execute("BEGIN IMMEDIATE")
            for _ in range(min(group, n - i)):
                audit(db, "csr_submitted", "certificate", "mc-iss-%05d" % (i % 2000 + 1), '{"agent_hostname":"iss.example.com"}')
                certificate(db, i)
                audit(db, "POST /api/v1/agents/ag-iss-1/csr", "api", "/api/v1/agents/ag-iss-1/csr", '{"status":202}')
                i += 1
            db.execute("COMMIT")
    t1 = time.perf_counter()
    frames = wal_frames(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    t2 = time.perf_counter()
    db.close()
    return n / (t1 - t0), (t1 - t0) * 1e6 / n, frames / n, (t2 - t1) * 1e6 / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--groups", default="0,8,64")
    a = ap.parse_args()
    base = a.db
    db = sqlite3.connect(base)
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("INSERT OR IGNORE INTO teams (id, name) VALUES ('t-iss', 'issuance')")
    db.execute("INSERT OR IGNORE INTO owners (id, name, email, team_id) VALUES ('o-iss', 'Issuer', 'iss@example.com', 't-iss')")
    db.executemany("INSERT OR IGNORE INTO managed_certificates (id, name, common_name, sans, owner_id, team_id, issuer_id, "
                   "renewal_policy_id, status) VALUES (?,?,?,?,?,?,?,?,?)",
                   [("mc-iss-%05d" % k, "iss-%05d" % k, "svc-%05d.bench.test" % k, '["svc-%05d.bench.test"]' % k,
                     "o-iss", "t-iss", "iss-local", "rp-default", "Active") for k in range(1, 2001)])
    db.commit()
    db.close()
    print("%-14s %10s %10s %14s %16s" % ("mode", "certs/s", "us/cert", "WAL pages/cert", "checkpoint us/cert"))
    for g in [int(x) for x in a.groups.split(",")]:
        work = base + ".run"
        shutil.copy(base, work)
        r = run(work, a.n, g)
        for f in (work, work + "-wal", work + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        print("%-14s %10.0f %10.0f %14.1f %16.0f" % ("per-request" if g == 0 else "group-%d" % g, *r))


if __name__ == "__main__":
    main()
