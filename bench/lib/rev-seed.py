#!/usr/bin/env python3
"""rev-seed.py: revocation benchmark data, written straight into a migrated certctl SQLite
database (as bench/05-revocation.sh needs it; the server is not running meanwhile).

  rev-seed.py crl DB N ACTIVE REASON
      N certificates of issuer iss-local, already revoked: managed_certificates (status
      Revoked), certificate_versions and certificate_revocations, random 128-bit serials as
      the peer harness's 04-crl.sh draws them (bit 120 set, so 31-32 hex digits), revoked
      over the last 90 days, reason REASON ("unspecified" puts no reasonCode in the CRL);
      plus ACTIVE issued certificates (ids crl-active-1 …) left for revocations through
      the API.
  rev-seed.py fixture DB FIXTURE_DIR IDS_OUT
      the peer harness's OCSP fixture (lib/fixture-ca.sh: index.txt, newcerts/*.pem) as
      certificates of issuer iss-local, one certificate and version per index line, the
      real PEM; the ids of the index's revoked ('R') lines go to IDS_OUT as a JSON array
      (for a bulk revocation by certificate_ids).
Every row gets canonical timestamps ('YYYY-MM-DDTHH:MM:SS.ffffffZ'), team tm-rev and owner
ow-rev. Prints one line: what it wrote.
"""
import base64
import hashlib
import json
import os
import random
import sqlite3
import sys
import time


def ts(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(t))) + ".%06dZ" % int((t % 1) * 1e6)


def base_rows(db):
    db.execute("INSERT OR IGNORE INTO teams (id, name) VALUES ('tm-rev', 'revocation bench')")
    db.execute("INSERT OR IGNORE INTO owners (id, name, email, team_id) "
               "VALUES ('ow-rev', 'rev', 'rev@example.com', 'tm-rev')")


CERT_SQL = ("INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, issuer_id, "
            "renewal_policy_id, status, expires_at, created_at, updated_at, revoked_at, "
            "revocation_reason) VALUES (?, ?, ?, 'ow-rev', 'tm-rev', 'iss-local', 'rp-default', "
            "?, ?, ?, ?, ?, ?)")
VERSION_SQL = ("INSERT INTO certificate_versions (id, certificate_id, serial_number, not_before, "
               "not_after, fingerprint_sha256, pem_chain, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
REV_SQL = ("INSERT INTO certificate_revocations (id, certificate_id, serial_number, reason, "
           "revoked_by, revoked_at, issuer_id, issuer_notified, created_at) "
           "VALUES (?, ?, ?, ?, 'bench', ?, 'iss-local', 1, ?)")


def crl(dbpath, n, active, reason):
    rng = random.Random(5280 + n)
    now = time.time()
    db = sqlite3.connect(dbpath)
    db.execute("PRAGMA synchronous = OFF")
    base_rows(db)
    seen = set()
    certs, versions, revs = [], [], []
    exp = ts(now + 30 * 86400)
    while len(seen) < n:
        s = rng.getrandbits(127) | (1 << 120)
        if s in seen:
            continue
        seen.add(s)
        i = len(seen)
        cid = "crl-%07d" % i
        rev = now - rng.randrange(90 * 86400) - rng.random()
        made = rev - 86400
        certs.append((cid, cid, "crl-%d.bench.test" % i, "Revoked", exp, ts(made), ts(rev), ts(rev), reason))
        versions.append(("v" + cid, cid, "%x" % s, ts(made), exp, "fp-" + cid, "pem", ts(made)))
        revs.append(("rv" + cid, cid, "%x" % s, reason, ts(rev), ts(rev)))
    for j in range(1, active + 1):
        cid = "crl-active-%d" % j
        s = rng.getrandbits(127) | (1 << 120)
        certs.append((cid, cid, cid + ".bench.test", "Active", exp, ts(now - 86400), ts(now - 86400), None, None))
        versions.append(("v" + cid, cid, "%x" % s, ts(now - 86400), exp, "fp-" + cid, "pem", ts(now - 86400)))
    with db:
        db.executemany(CERT_SQL, certs)
        db.executemany(VERSION_SQL, versions)
        db.executemany(REV_SQL, revs)
    db.close()
    print("crl: %d revoked certificates (reason %s), %d active" % (n, reason, active))


def fixture(dbpath, d, ids_out):
    now = time.time()
    db = sqlite3.connect(dbpath)
    db.execute("PRAGMA synchronous = OFF")
    base_rows(db)
    certs, versions, revoked = [], [], []
    with open(os.path.join(d, "index.txt")) as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    for i, f in enumerate(lines, 1):
        flag, exp, serial = f[0], f[1], f[3]
        pem = open(os.path.join(d, "newcerts", serial + ".pem")).read()
        body = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))
        fp = hashlib.sha256(base64.b64decode(body)).hexdigest()
        # index.txt expiry: YYMMDDHHMMSSZ
        t_exp = time.mktime(time.strptime(exp, "%y%m%d%H%M%SZ")) - time.timezone
        cid = "fx-%05d" % i
        made = ts(now - 3600 - (len(lines) - i) * 1e-3)
        certs.append((cid, cid, "leaf.bench.test", "Active", ts(t_exp), made, made, None, None))
        versions.append(("v" + cid, cid, serial.lower().lstrip("0") or "0", made, ts(t_exp), fp, pem, made))
        if flag == "R":
            revoked.append(cid)
    with db:
        db.executemany(CERT_SQL, certs)
        db.executemany(VERSION_SQL, versions)
    db.close()
    with open(ids_out, "w") as f:
        json.dump(revoked, f)
    print("fixture: %d certificates, %d to revoke" % (len(certs), len(revoked)))


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "crl":
        crl(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif len(sys.argv) == 5 and sys.argv[1] == "fixture":
        fixture(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
