#!/usr/bin/env python3
"""slow-proxy.py PORT UPSTREAM SECONDS PREFIX: forwards every request to UPSTREAM
(http://127.0.0.1:N), holding the answer of paths that start with PREFIX for SECONDS —
a slow server, for checking that certctl tui keeps taking keys while it waits."""
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, UPSTREAM, DELAY, PREFIX = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *a):
        pass

    def forward(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else None
        req = urllib.request.Request(UPSTREAM + self.path, data=body, method=self.command)
        for k in ('Authorization', 'Content-Type', 'Accept'):
            if self.headers.get(k):
                req.add_header(k, self.headers[k])
        if self.path.startswith(PREFIX):
            time.sleep(DELAY)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, ctype, data = r.status, r.headers.get('Content-Type'), r.read()
        except urllib.error.HTTPError as e:
            status, ctype, data = e.code, e.headers.get('Content-Type'), e.read()
        self.send_response(status)
        self.send_header('Content-Type', ctype or 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = forward


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(('127.0.0.1', PORT), Handler).serve_forever()
