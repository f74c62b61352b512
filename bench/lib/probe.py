#!/usr/bin/env python3
"""Daemon footprint probe: start a command, poll an HTTP(S) endpoint until the
first successful response, then let it idle and read its memory from /proc.

A copy of the peer harness's lib/probe.py (/work/shared/bench), code unchanged,
so that certctl and the peers are measured the same way.

usage: probe.py --url URL [--method GET] [--body-file F] [--content-type T]
                [--cafile F] [--expect 200] [--settle 2] [--timeout 30]
                [--log FILE] -- CMD [ARGS...]
Prints one line:
  PROBE startup_ms=<ms to first expected status> rss_kb=<VmRSS after settle,
  process + descendants> hwm_kb=<VmHWM of the main process> threads=<n>
  procs=<n>
The process (and any descendants) is stopped with SIGTERM, then SIGKILL, by
PID only.  Stdlib only.
"""
import argparse
import http.client
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.parse


def descendants(pid):
    out = []
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                for c in f.read().split():
                    out.append(int(c))
                    out.extend(descendants(int(c)))
    except OSError:
        pass
    return out


def status_field(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--method", default="GET")
    ap.add_argument("--body-file")
    ap.add_argument("--content-type", default="application/octet-stream")
    ap.add_argument("--cafile")
    ap.add_argument("--expect", type=int, default=200)
    ap.add_argument("--settle", type=float, default=2.0)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("missing command")

    u = urllib.parse.urlsplit(a.url)
    host, port = u.hostname, u.port or (443 if u.scheme == "https" else 80)
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("probe.py only talks to loopback")
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    body = open(a.body_file, "rb").read() if a.body_file else None
    headers = {"Content-Type": a.content_type} if body is not None else {}
    ctx = None
    if u.scheme == "https":
        ctx = ssl.create_default_context(cafile=a.cafile)
        ctx.check_hostname = False  # the certificate is for localhost/127.0.0.1 only

    logf = open(a.log, "ab")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    ready_ms = None
    last_err = ""
    try:
        while time.monotonic() - t0 < a.timeout:
            if proc.poll() is not None:
                last_err = "process exited with %s" % proc.returncode
                break
            try:
                if ctx:
                    c = http.client.HTTPSConnection(host, port, timeout=2, context=ctx)
                else:
                    c = http.client.HTTPConnection(host, port, timeout=2)
                c.request(a.method, path, body=body, headers=headers)
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == a.expect:
                    ready_ms = (time.monotonic() - t0) * 1000.0
                    break
                last_err = "HTTP %d" % r.status
            except (OSError, http.client.HTTPException) as e:
                last_err = repr(e)
            time.sleep(0.002)
        if ready_ms is None:
            print("PROBE failed=%s" % last_err.replace(" ", "_"))
            return 1
        time.sleep(a.settle)
        pids = [proc.pid] + descendants(proc.pid)
        rss = sum(status_field(p, "VmRSS") for p in pids)
        print("PROBE startup_ms=%.1f rss_kb=%d hwm_kb=%d threads=%d procs=%d" % (
            ready_ms, rss, status_field(proc.pid, "VmHWM"),
            status_field(proc.pid, "Threads"), len(pids)))
        return 0
    finally:
        pids = [proc.pid] + descendants(proc.pid)
        for p in pids:
            try:
                os.kill(p, signal.SIGTERM)
            except OSError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        proc.wait()


if __name__ == "__main__":
    sys.exit(main())
