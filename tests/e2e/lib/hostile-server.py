#!/usr/bin/env python3
"""hostile-server.py PORT: answers every request with the next of a rotation of odd replies
(wrong types, missing fields, escape sequences, huge strings, invalid JSON and UTF-8, odd
statuses) — for checking that nothing a server sends can crash certctl tui."""
import itertools
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEM = ('{"id":5,"name":{"a":[1,{"b":2}]},"status":["x"],"expires_at":"garbage",'
        '"created_at":12,"config":[[[]]],"progress":{"done":"x"},"tags":null}')
BODIES = [
    b'[]', b'{}', b'null', b'"x"', b'42', b'true', b'{"data":null}',
    b'{"data":"x","total":"y"}',
    ('{"data":[1,"a",null,[],' + ITEM + ',' + ITEM + ']}').encode(),
    ('{"data":[{"id":"\\u001b[2Jevil","name":"\\u001b]0;title\\u0007","common_name":"'
     + 'W' * 5000 + '","status":"Active"}],"total":-1}').encode(),
    b'not json at all', b'<html><body>502 Bad Gateway</body></html>',
    b'{"status":{"x":1},"progress":"p","result":[],"job_id":7,"would_revoke":"all",'
    b'"affected_count":-9,"errors":[1,{"certificate_id":[]}],"not_found":{}}',
    b'[{"status":null,"count":"NaN"},{"date":5,"count":1e308},'
    b'{"date":"2026-13-45","completed_count":-3,"issued_count":{}}]',
    b'{"total_certificates":1e300,"expiring_certificates":-5,"Managed":"x","gauge":[]}',
    b'{"data":[{"id":"\xff\xfe","name":"\xc3"}]}',
    b'[' * 3000 + b']' * 3000,
    ('{"data":[' + ','.join('{"id":"c%d","name":"%s","os":"%s"}' % (i, '日本語' * (i % 7), 'x' * (i % 3))
                            for i in range(3000)) + '],"total":3000}').encode(),
    b'{"job_id":"job-x","status":"Running","affected_count":5}',
    b'{"id":"job-x","status":"Completed","progress":{"done":9,"total":3},"result":"done"}',
]
STATUSES = [200, 200, 200, 200, 404, 500, 202, 401, 200, 405]

bodies = itertools.cycle(BODIES)
statuses = itertools.cycle(STATUSES)


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def reply(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        body, status = next(bodies), next(statuses)
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = reply

    def log_message(self, *args):
        pass


ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()
