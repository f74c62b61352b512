#!/usr/bin/env python3
"""perf-split.py — where the server's CPU went, from `perf record --call-graph dwarf` data.

  perf-split.py [--set issue|fleet] [--us-per-op US] PERF.DATA

Reads `perf script` output and puts every sample in the first category of the set (in the
order listed below) that has a frame anywhere in the sample's call stack matching one of
its patterns (a regular expression on the symbol, or "dso:REGEX" on the shared object).
Every sample counts the same (perf record -F samples at a fixed frequency), so a category's
share is its share of the server's CPU time; with --us-per-op (the server's CPU per
request or per certificate) it is also given in microseconds per operation.
"""
import argparse
import collections
import re
import subprocess
import sys

SETS = {
    "issue": [
        ("SQLite: WAL checkpoint run by a committing request (wal_autocheckpoint)", [r"^sqlite3WalDefaultHook$"]),
        ("API handler: CSR decode + verify (cc_csr_parse, OpenSSL decoders)", [r"^cc_csr_parse$"]),
        ("Local CA: CSR read + verify (cc_csr_read)", [r"^cc_csr_read$"]),
        ("server keygen: key + CSR (cc_csr_generate)", [r"^cc_csr_generate$"]),
        ("Local CA: build, sign, PEM-encode the leaf", [r"^local_ca_issue$"]),
        ("re-parse the issued certificate (cc_cert_info_from_pem)", [r"^cc_cert_info_from_pem$"]),
        ("job claim (cc_job_claim: ORDER BY over all Pending jobs)", [r"^cc_job_claim$"]),
        ("SQLite: commit (WAL frame writes)", [r"^cc_db_commit$"]),
        ("audit writer thread (batched API events)", [r"^write_batch$"]),
        ("SQLite: statements (reads, inserts, updates)", [r"^cc_db_", r"^cc_repo_", r"^sq_", r"^sqlite3", r"dso:libsqlite3"]),
        ("JSON (jansson)", [r"^json_", r"dso:libjansson"]),
        ("HTTP: libmicrohttpd, sockets", [r"dso:libmicrohttpd", r"sendmsg", r"recvfrom", r"^__sys_"]),
        ("malloc/free", [r"malloc", r"free$", r"^_int_", r"^unlink_chunk"]),
    ],
    "fleet": [
        ("SQLite: WAL checkpoint run by a committing request (wal_autocheckpoint)", [r"^sqlite3WalDefaultHook$"]),
        ("auth: agent key lookup + last_used_at UPDATE (db_lookup)", [r"^db_lookup$"]),
        ("auth: hashing and the key cache (api_authenticate)", [r"^api_authenticate$"]),
        ("heartbeat handler (h_agents_heartbeat)", [r"^h_agents_heartbeat$"]),
        ("work poll handler (h_agents_work)", [r"^h_agents_work$"]),
        ("audit writer thread (batched API events)", [r"^write_batch$"]),
        ("scheduler loops", [r"^run_once$", r"^loop_main$"]),
        ("HTTP: libmicrohttpd, sockets, connection set-up", [r"dso:libmicrohttpd", r"sendmsg", r"recvfrom", r"accept", r"^__sys_", r"tcp_", r"^close$"]),
        ("SQLite: other", [r"^sqlite3", r"dso:libsqlite3"]),
        ("JSON (jansson)", [r"^json_", r"dso:libjansson"]),
        ("malloc/free", [r"malloc", r"free$", r"^_int_"]),
    ],
}


def samples(path):
    p = subprocess.Popen(["perf", "script", "-i", path, "-F", "comm,tid,ip,sym,dso"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, errors="replace")
    stack, comm = [], None
    frame = re.compile(r"^\s+[0-9a-f]+\s+(.*?)(?:\+0x[0-9a-f]+)?(?: \(inlined\))?\s+\((.*)\)\s*$")
    for line in p.stdout:
        if not line.strip():
            if comm is not None:
                yield comm, stack
            stack, comm = [], None
            continue
        if line[0] not in " \t":
            if comm is not None:
                yield comm, stack
            comm, stack = line.split()[0], []
            continue
        m = frame.match(line)
        if m:
            stack.append((m.group(1), m.group(2).rsplit("/", 1)[-1]))
    if comm is not None:
        yield comm, stack
    p.wait()  # reaped, so that its CPU counts as the caller's (run-all.sh's foreign-CPU figure)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="issue", choices=sorted(SETS))
    ap.add_argument("--us-per-op", type=float, default=0)
    ap.add_argument("data")
    a = ap.parse_args()
    rules = [(name, [re.compile(x[4:]) if x.startswith("dso:") else None for x in pats],
              [None if x.startswith("dso:") else re.compile(x) for x in pats]) for name, pats in SETS[a.set]]
    count = collections.Counter()
    total = 0
    for comm, stack in samples(a.data):
        total += 1
        cat = "other (kernel scheduling, libc, unresolved frames)"
        for name, dsos, syms in rules:
            if any((s and s.search(sym)) or (d and d.search(dso)) for sym, dso in stack for s, d in zip(syms, dsos)):
                cat = name
                break
        count[cat] += 1
    if not total:
        sys.exit("perf-split: no samples in " + a.data)
    print("%-78s %7s %9s" % ("category (first match, in this order)", "share", "us/op" if a.us_per_op else ""))
    for name, _, _ in rules + [("other (kernel scheduling, libc, unresolved frames)", None, None)]:
        share = count[name] * 100.0 / total
        print("%-78s %6.1f%% %9s" % (name, share, "%.0f" % (share * a.us_per_op / 100) if a.us_per_op else ""))
    print("%-78s %7d" % ("samples", total))


if __name__ == "__main__":
    main()
