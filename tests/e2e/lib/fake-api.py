#!/usr/bin/env python3
"""fake-api.py PORT [RECORD]: an HTTP server that answers certctl's client with canned
failures and odd bodies (t8102): the CLI must print one clear line and never crash on what
it gets; a bulk revocation that runs as a job of three polls (t8107: the progress bar), or a
dry run. With RECORD, each request's "METHOD path body" line is appended to that file, so a
test can check what the CLI sent (t7010)."""
import http.server
import json
import sys

RECORD = sys.argv[2] if len(sys.argv) > 2 else None


class H(http.server.BaseHTTPRequestHandler):
    polls = 0  # GET /api/v1/jobs/job-bulk so far

    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def answer(self):
        p = self.path.split("?")[0]
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        if RECORD:
            with open(RECORD, "a") as f:
                f.write("%s %s %s\n" % (self.command, self.path, body))
        err = lambda code, msg: json.dumps({"error": "x", "message": msg, "request_id": "req-42"})
        if p.endswith("/e500"):
            return self.send(500, err(500, "database exploded"), headers=[("X-Request-ID", "req-42")])
        if p.endswith("/e403"):
            return self.send(403, err(403, "agent keys may not do that"))
        if p.endswith("/e429"):
            return self.send(429, '{"error":"Rate limit exceeded"}\n', "text/plain", [("Retry-After", "7")])
        if p.endswith("/e409/renew"):
            return self.send(409, err(409, "certificate renewal already in progress"))
        if p.endswith("/e502"):
            return self.send(502, "<html><body>Bad Gateway</body></html>", "text/html")
        if p.endswith("/garbage"):
            return self.send(200, "not json {")
        if p == "/api/v1/certificates":
            odd = {"data": [{"id": 7, "common_name": None, "status": {"x": 1},
                             "expires_at": "not a time", "issuer_id": ["a", 1]},
                            "a string", None, {"id": "ok-1", "common_name": "\u00e9\x1b[2Jx" * 30}],
                   "total": "many"}
            return self.send(200, json.dumps(odd))
        if p == "/api/v1/certificates/bulk-revoke" and '"dry_run":true' in body.replace(" ", ""):
            return self.send(200, json.dumps({"total_matched": 0, "would_revoke_count": 0,
                                              "would_skip_count": 0, "would_revoke": [],
                                              "would_skip": [], "not_found": []}))
        if p == "/api/v1/certificates/bulk-revoke" and self.command == "POST":
            return self.send(202, json.dumps({"job_id": "job-bulk", "status": "Running"}))
        if p == "/api/v1/jobs/job-bulk":
            H.polls += 1
            done = min(H.polls * 400, 1000)
            job = {"id": "job-bulk", "type": "Revocation",
                   "status": "Completed" if done == 1000 else "Running",
                   "progress": {"done": done, "total": 1000}}
            if done == 1000:
                job["result"] = {"total_matched": 1000, "total_revoked": 1000,
                                 "total_skipped": 0, "total_failed": 0}
            return self.send(200, json.dumps(job))
        if p == "/api/v1/jobs":
            return self.send(200, json.dumps([{"id": "j1", "type": "Renewal", "status": "Failed"}]))
        if p == "/api/v1/agents":
            return self.send(200, json.dumps({"data": "nope"}))
        return self.send(404, err(404, "not here"))

    do_GET = do_POST = do_PUT = do_DELETE = answer


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
