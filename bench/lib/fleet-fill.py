#!/usr/bin/env python3
"""fleet-fill.py — a certctl SQLite database with an agent fleet, for 04-fleet.sh.

  fleet-fill.py DB KEYS_OUT --agents N [--pending P] [--awaiting A] [--history H]

Into a migrated database whose first boot created iss-local and rp-default, in one
transaction: a team and an owner; N agents ag-fleet-00001… (Online, last heartbeat within
the last minute, metadata as a real agent reports it), each with an agent API key in
api_keys (role agent; the plain key goes to KEYS_OUT as "agent_id key" lines; only its
SHA-256 is stored, as certctl does), one NGINX deployment target and one certificate
(Active, expiring in 200 days, so the renewal check leaves it alone) mapped to it;
H Completed deployment jobs of the past spread over the fleet (history the work query
has to skip), P Pending deployment jobs for P different agents (what their /work returns),
and A Renewal jobs AwaitingCSR for certificates of A other agents (the first branch of the
work query).
"""
import argparse
import datetime
import hashlib
import random
import secrets
import sqlite3


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("keys_out")
    ap.add_argument("--agents", type=int, default=10000)
    ap.add_argument("--pending", type=int, default=300)
    ap.add_argument("--awaiting", type=int, default=50)
    ap.add_argument("--history", type=int, default=20000)
    a = ap.parse_args()
    rnd = random.Random(42)
    now = datetime.datetime.now(datetime.timezone.utc)
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("BEGIN")
    db.execute("INSERT INTO teams (id, name, description) VALUES ('t-fleet', 'fleet', 'bench')")
    db.execute("INSERT INTO owners (id, name, email, team_id) VALUES ('o-fleet', 'Fleet Owner', 'fleet@example.com', 't-fleet')")
    agents, keys, targets, certs, maps = [], [], [], [], []
    with open(a.keys_out, "w") as kf:
        for i in range(1, a.agents + 1):
            aid = "ag-fleet-%05d" % i
            key = "cck_" + secrets.token_hex(24)
            h = hashlib.sha256(key.encode()).hexdigest()
            kf.write("%s %s\n" % (aid, key))
            ip = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
            agents.append((aid, "fleet-%05d" % i, "host%05d.fleet.test" % i, "Online",
                           ts(now - datetime.timedelta(seconds=rnd.uniform(1, 59))),
                           ts(now - datetime.timedelta(days=rnd.uniform(1, 300))), h, "linux", "amd64", ip, "1.0.0"))
            keys.append(("key-fleet-%05d" % i, "agent " + aid, h, "agent", aid, ts(now - datetime.timedelta(days=1))))
            targets.append(("tgt-fleet-%05d" % i, "nginx", "NGINX", aid,
                            '{"cert_path":"/etc/nginx/tls/site.pem","key_path":"/etc/nginx/tls/site.key","reload_command":"systemctl reload nginx"}'))
            cn = "svc-%05d.fleet.test" % i
            certs.append(("mc-fleet-%05d" % i, "fleet-%05d" % i, cn, '["%s"]' % cn,
                          ts(now + datetime.timedelta(days=200)), ts(now - datetime.timedelta(days=160))))
            maps.append(("mc-fleet-%05d" % i, "tgt-fleet-%05d" % i))
    db.executemany("INSERT INTO agents (id, name, hostname, status, last_heartbeat_at, registered_at, api_key_hash, "
                   "os, architecture, ip_address, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)", agents)
    db.executemany("INSERT INTO api_keys (id, name, key_hash, role, agent_id, created_at) VALUES (?,?,?,?,?,?)", keys)
    db.executemany("INSERT INTO deployment_targets (id, name, type, agent_id, config) VALUES (?,?,?,?,?)", targets)
    db.executemany("INSERT INTO managed_certificates (id, name, common_name, sans, environment, owner_id, team_id, "
                   "issuer_id, renewal_policy_id, status, expires_at, last_renewal_at) "
                   "VALUES (?,?,?,?,'production','o-fleet','t-fleet','iss-local','rp-default','Active',?,?)", certs)
    db.executemany("INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES (?,?)", maps)
    jobs = []
    for k in range(1, a.history + 1):
        i = rnd.randint(1, a.agents)
        t = now - datetime.timedelta(seconds=rnd.uniform(3600, 90 * 86400))
        jobs.append(("job-fleet-h%06d" % k, "Deployment", "mc-fleet-%05d" % i, "tgt-fleet-%05d" % i,
                     "ag-fleet-%05d" % i, "Completed", 1, ts(t), ts(t), ts(t + datetime.timedelta(seconds=5)), ts(t)))
    busy = rnd.sample(range(1, a.agents + 1), a.pending + a.awaiting)
    for k, i in enumerate(busy[:a.pending], 1):
        t = now - datetime.timedelta(seconds=rnd.uniform(60, 3600))
        jobs.append(("job-fleet-p%05d" % k, "Deployment", "mc-fleet-%05d" % i, "tgt-fleet-%05d" % i,
                     "ag-fleet-%05d" % i, "Pending", 0, ts(t), None, None, ts(t)))
    for k, i in enumerate(busy[a.pending:], 1):
        t = now - datetime.timedelta(seconds=rnd.uniform(60, 3600))
        jobs.append(("job-fleet-a%05d" % k, "Renewal", "mc-fleet-%05d" % i, None, None, "AwaitingCSR", 0, ts(t), ts(t), None, ts(t)))
    db.executemany("INSERT INTO jobs (id, type, certificate_id, target_id, agent_id, status, attempts, scheduled_at, "
                   "started_at, completed_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", jobs)
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


if __name__ == "__main__":
    main()
