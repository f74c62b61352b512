#!/usr/bin/env python3
"""bulk-time.py URL KEY BODY [POLL_S]: times one bulk revocation through the API.

POSTs BODY (JSON) to URL/api/v1/certificates/bulk-revoke with the Bearer KEY, then, when
the answer is 202 (the background worker has the job), polls GET /api/v1/jobs/{id} every
POLL_S (0.02) seconds on one keep-alive connection until the job is Completed or Failed.
Prints one line of k=v: http (status of the POST), post_ms (the POST's own time), done_ms
(from just before the POST to the first poll that saw the job finished; = post_ms for a
200), status, job, polls, matched, revoked, skipped, failed.
"""
import http.client
import json
import sys
import time
from urllib.parse import urlsplit


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    u = urlsplit(sys.argv[1])
    key, body = sys.argv[2], sys.argv[3].encode()
    poll = float(sys.argv[4]) if len(sys.argv) == 5 else 0.02
    hdr = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    t0 = time.monotonic()
    conn.request("POST", "/api/v1/certificates/bulk-revoke", body, hdr)
    r = conn.getresponse()
    res = json.loads(r.read())
    t1 = time.monotonic()
    code, polls = r.status, 0
    if code not in (200, 202):
        print("http=%d error=%s" % (code, json.dumps(res).replace(" ", "")[:200]))
        sys.exit(1)
    job = res.get("job_id")
    while res.get("status") not in ("Completed", "Failed"):
        time.sleep(poll)
        conn.request("GET", "/api/v1/jobs/" + job, headers=hdr)
        r = conn.getresponse()
        res = json.loads(r.read())
        polls += 1
        if r.status != 200:
            print("http=%d poll_error=%s" % (r.status, json.dumps(res).replace(" ", "")[:200]))
            sys.exit(1)
    t2 = time.monotonic()
    # the job's own view: the totals at the top (bulk answer) or under "result" (GET /jobs)
    tot = res.get("result") if isinstance(res.get("result"), dict) else res
    print("http=%d post_ms=%.1f done_ms=%.1f status=%s job=%s polls=%d matched=%s revoked=%s "
          "skipped=%s failed=%s" % (code, (t1 - t0) * 1e3, (t2 - t0) * 1e3, res.get("status"), job,
                                    polls, tot.get("total_matched"), tot.get("total_revoked"),
                                    tot.get("total_skipped"), tot.get("total_failed")))


if __name__ == "__main__":
    main()
