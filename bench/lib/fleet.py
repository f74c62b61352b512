#!/usr/bin/env python3
"""fleet.py — a simulated agent fleet at a fixed rate (an open-loop load generator).

  fleet.py --url http://127.0.0.1:PORT --keys FILE [--auth agent|admin] [--interval 60]
           [--duration 120] [--warmup 0] [--path health]

Every agent of FILE ("agent_id key" lines) runs one cycle every --interval seconds, as the
certctl agent does: it opens a TCP connection, POSTs /api/v1/agents/{id}/heartbeat (the
body of cli-and-agent.md 2.3), then GETs /api/v1/agents/{id}/work on the same keep-alive
connection, and closes it. The agents' cycles are spread evenly over the interval (agent i
of N starts at i*interval/N), so N agents make 2N/interval requests per second, whatever
the server does: a slow answer does not delay the next agent (open loop, unlike wrk).
--auth agent: each agent uses its own key (Bearer, an api_keys row); admin: every agent
uses FLEET_ADMIN_KEY. --path health: the same schedule against GET /health twice (a
control run: the floor of what this generator and the loopback stack can measure).

Latency is measured from the moment a request was due, not from when it was sent, so a
generator that falls behind shows up as latency (no coordinated omission): the heartbeat
is due at its slot in the schedule, the poll when the heartbeat's answer arrived.
Separately, "lag" is how late the generator itself started each cycle (its own accuracy).
Requests of the first --warmup seconds are run but not counted.
Prints one FLEET line of key=value pairs (times in ms) on stdout.
"""
import argparse
import asyncio
import json
import os
import resource
import sys
import time


def pct(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


async def read_response(r):
    head = await r.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdr = {}
    for ln in lines[1:]:
        if ":" in ln:
            k, v = ln.split(":", 1)
            hdr[k.strip().lower()] = v.strip()
    if "content-length" in hdr:
        body = await r.readexactly(int(hdr["content-length"]))
    elif hdr.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            n = int((await r.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            body += await r.readexactly(n + 2)
            if n == 0:
                break
    else:
        body = await r.read()
    return status, body, hdr.get("connection", "").lower() == "close"


class Stats:
    def __init__(self):
        self.lat = {"heartbeat": [], "work": []}
        self.svc = {"heartbeat": [], "work": []}
        self.lag = []
        self.errors = 0
        self.non200 = 0
        self.with_jobs = 0
        self.done = 0


async def cycle(a, st, agent, key, due, counted):
    host, port = a.host, a.port
    start = time.perf_counter()
    if counted:
        st.lag.append((start - due) * 1000)
    auth = "Authorization: Bearer %s\r\n" % key
    if a.path == "health":
        reqs = [("heartbeat", "GET /health HTTP/1.1\r\nHost: %s\r\n\r\n" % host),
                ("work", "GET /health HTTP/1.1\r\nHost: %s\r\n\r\n" % host)]
    else:
        n = int(agent.rsplit("-", 1)[-1])
        body = json.dumps({"version": "1.0.0", "hostname": "host%05d.fleet.test" % n, "os": "linux",
                           "architecture": "amd64", "ip_address": "10.%d.%d.%d" % (n >> 16 & 255, n >> 8 & 255, n & 255)})
        reqs = [("heartbeat", "POST /api/v1/agents/%s/heartbeat HTTP/1.1\r\nHost: %s\r\n%sContent-Type: application/json\r\n"
                 "Content-Length: %d\r\n\r\n%s" % (agent, host, auth, len(body), body)),
                ("work", "GET /api/v1/agents/%s/work HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (agent, host, auth))]
    w = None
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(host, port), a.timeout)
        t_due = due
        for name, req in reqs:
            t_send = time.perf_counter()
            w.write(req.encode())
            status, body, close = await asyncio.wait_for(read_response(r), a.timeout)
            t_end = time.perf_counter()
            if counted:
                st.lat[name].append((t_end - t_due) * 1000)
                st.svc[name].append((t_end - t_send) * 1000)
                if status != 200:
                    st.non200 += 1
                elif name == "work" and a.path != "health" and json.loads(body).get("count", 0) > 0:
                    st.with_jobs += 1
            t_due = t_end
            if close:
                break
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as e:
        if counted:
            st.errors += 1
        if st.errors <= 3:
            print("fleet: %s: %r" % (agent, e), file=sys.stderr)
    finally:
        if w is not None:
            w.close()
        st.done += 1


async def run(a):
    agents = []
    with open(a.keys) as f:
        for ln in f:
            p = ln.split()
            if len(p) == 2:
                agents.append((p[0], p[1] if a.auth == "agent" else os.environ["FLEET_ADMIN_KEY"]))
    n = len(agents)
    st = Stats()
    t0 = time.perf_counter() + 0.5
    end = t0 + a.duration
    tasks = set()
    k = 0
    while True:
        cyc, i = divmod(k, n)
        due = t0 + cyc * a.interval + i * a.interval / n
        if due >= end:
            break
        d = due - time.perf_counter()
        if d > 0:
            await asyncio.sleep(d)
        t = asyncio.ensure_future(cycle(a, st, agents[i][0], agents[i][1], due, due >= t0 + a.warmup))
        tasks.add(t)
        t.add_done_callback(tasks.discard)
        k += 1
    if tasks:
        await asyncio.wait(tasks, timeout=a.timeout * 3)
    wall = a.duration - a.warmup
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out = {"agents": n, "interval_s": a.interval, "duration_s": a.duration, "warmup_s": a.warmup,
           "requests": len(st.lat["heartbeat"]) + len(st.lat["work"]), "errors": st.errors, "non200": st.non200,
           "polls_with_jobs": st.with_jobs}
    out["rate"] = out["requests"] / wall
    alll = st.lat["heartbeat"] + st.lat["work"]
    for p in (50, 90, 99, 99.9):
        out["p%s_ms" % str(p).replace(".", "")] = pct(alll, p)
    out["max_ms"] = max(alll) if alll else float("nan")
    for name in ("heartbeat", "work"):
        out["%s_p50_ms" % name] = pct(st.lat[name], 50)
        out["%s_p99_ms" % name] = pct(st.lat[name], 99)
        out["%s_svc_p99_ms" % name] = pct(st.svc[name], 99)
    out["lag_p50_ms"] = pct(st.lag, 50)
    out["lag_p99_ms"] = pct(st.lag, 99)
    out["lag_max_ms"] = max(st.lag) if st.lag else float("nan")
    out["gen_cpu_s"] = ru.ru_utime + ru.ru_stime
    print("FLEET " + " ".join("%s=%s" % (k, ("%.3f" % v) if isinstance(v, float) else v) for k, v in out.items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--keys", required=True)
    ap.add_argument("--auth", choices=["agent", "admin"], default="agent")
    ap.add_argument("--interval", type=float, default=60)
    ap.add_argument("--duration", type=float, default=120)
    ap.add_argument("--warmup", type=float, default=0)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--path", choices=["agent", "health"], default="agent")
    a = ap.parse_args()
    u = a.url.split("//", 1)[-1].rstrip("/")
    a.host, a.port = u.split(":")[0], int(u.split(":")[1])
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY and hard < 65536 else 65536, hard))
    asyncio.run(run(a))


if __name__ == "__main__":
    main()
