#!/usr/bin/env python3
"""mcp-reference-check.py: the MCP tools of certctl v2.1 (mcp-tools-v21.md, a copy of
shared/reference/mcp-tools.md) against `certctl mcp --list-tools --format json`, for
t8003-mcp-contract.bats.

  mcp-reference-check.py parse REF           one JSON object per line, per v2.1 tool:
                                             {name, method, path, args: {arg: required},
                                             types: {arg: JSON Schema type where stated}}
  mcp-reference-check.py inputs REF TOOLS COMPAT
                                             every v2.1 tool exists with the same REST call
                                             (method, path) and every input of v2.1, of the
                                             type v2.1 states (int, bool, [string],
                                             {string:string}); an input
                                             required on one side only, or missing here, must
                                             be in DEVIATIONS and named in the MCP section of
                                             COMPAT (docs/compat.md); prints each mismatch,
                                             exits 1 if any
  mcp-reference-check.py annotations TOOLS   every GET tool readOnlyHint true and never
                                             destructiveHint true; every DELETE and every
                                             revoke (single and bulk) destructiveHint true;
                                             PUT and DELETE idempotentHint true; other
                                             methods readOnlyHint false but READ_ONLY_POSTS;
                                             prints each mismatch, exits 1 if any

The Input column reads: `a` R, `b` o, `c`, `d` (o) (a flag after a list applies to the
whole list; a type after the flag, to the same names), ListParams (page, per_page, int),
GetByID (id R), Timeline (days, int), Empty, and "same fields o" (the create tool's inputs
but id, optional, same types). Other parentheses are comments.
"""
import json
import re
import sys

# deliberate differences from v2.1, each named in docs/compat.md's MCP section:
# (tool, input, what) with what = "required" (optional in v2.1, required here: the REST
# API refuses the request without it, in v2.1 too) or "dropped" (not an input here)
DEVIATIONS = {
    ("certctl_create_certificate", "renewal_policy_id", "required"),
    ("certctl_create_owner", "team_id", "required"),
    ("certctl_create_target", "agent_id", "required"),
    ("certctl_register_agent", "id", "dropped"),
}

# POSTs that change nothing: the PKCS#12 password travels in a body, not in a URL
READ_ONLY_POSTS = {"certctl_export_certificate_pkcs12"}

SHORTHANDS = {  # inputs (required) and types
    "ListParams": ({"page": False, "per_page": False}, {"page": "int", "per_page": "int"}),
    "GetByID": ({"id": True}, {}),
    "Timeline": ({"days": False}, {"days": "int"}),
    "Empty": ({}, {}),
}

TOKEN = re.compile(r"`([a-z_0-9]+)`|\b(R|o)\b|\b(ListParams|GetByID|Timeline|Empty)\b|(same fields)"
                   r"|(\[string\]|\{string:string\}|\bint\b|\bbool\b)")

# a type of the reference → what the inputSchema property must hold
TYPES = {
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "[string]": {"type": "array", "items": {"type": "string"}},
    "{string:string}": {"type": "object", "additionalProperties": {"type": "string"}},
}


def parse_input(cell, tools, name):
    cell = cell.replace("(o)", " o ")
    cell = re.sub(r"\([^)]*\)", " ", cell)  # comments: (hex), (any), (`id` = agent id)...
    args, types, pending, flagged = {}, {}, [], []
    for m in TOKEN.finditer(cell):
        arg, flag, short, same, typ = m.groups()
        if arg:
            pending.append(arg)
        elif flag:
            if not pending:
                raise ValueError(f"{name}: flag {flag} without an input in {cell!r}")
            for a in pending:
                args[a] = flag == "R"
            flagged, pending = pending, []
        elif typ:
            if pending or not flagged:
                raise ValueError(f"{name}: type {typ} not after a flag in {cell!r}")
            types.update((a, typ) for a in flagged)
        elif short:
            args.update(SHORTHANDS[short][0])
            types.update(SHORTHANDS[short][1])
        else:  # "same fields": those of the create tool, all optional, same types
            create = tools[name.replace("_update_", "_create_")]
            pending.extend(a for a in create["args"] if a != "id")
            types.update(create["types"])
    if pending:
        raise ValueError(f"{name}: no R/o for {pending} in {cell!r}")
    return args, types


def parse(ref):
    tools, cols = {}, None
    with open(ref) as f:
        for line in f:
            if not line.startswith("|"):
                cols = None
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0] == "Tool":
                cols = cells
                continue
            if cols is None or not cells[0].startswith("`certctl_"):
                continue
            row = dict(zip(cols, cells))
            name = cells[0].strip("`")
            m = re.match(r"`(GET|POST|PUT|DELETE) (/[^`?\[ ]*)", row["REST call"])
            if not m:
                raise ValueError(f"{name}: cannot read the REST call {row['REST call']!r}")
            tools[name] = {"name": name, "method": m.group(1), "path": m.group(2)}
            tools[name]["args"], tools[name]["types"] = parse_input(row["Input"], tools, name)
    return tools


def shape(path):
    """/a/{id}/b → /a/{}/b: parameter names may differ"""
    return re.sub(r"\{[^}]*\}", "{}", path)


def inputs(ref, tools_json, compat):
    bad = []
    ours = {t["name"]: t for t in json.load(open(tools_json))}
    with open(compat) as f:
        text = f.read()
    mcp_section = text[text.index("## MCP server"):]
    for d in sorted(DEVIATIONS):
        if f"`{d[1]}`" not in mcp_section:
            bad.append(f"deviation {d} is not named in the MCP section of {compat}")
    seen = set()
    for name, r in parse(ref).items():
        t = ours.get(name)
        if t is None:
            bad.append(f"{name}: tool of v2.1 missing")
            continue
        if not t.get("v2_1"):
            bad.append(f"{name}: a tool of v2.1 marked new")
        if (t["method"], shape(t["path"])) != (r["method"], shape(r["path"])):
            bad.append(f"{name}: calls {t['method']} {t['path']}, v2.1 {r['method']} {r['path']}")
        schema = t["inputSchema"]
        props = schema.get("properties", {})
        req = set(schema.get("required", []))
        for arg, r_req in r["args"].items():
            if arg not in props:
                if (name, arg, "dropped") in DEVIATIONS:
                    seen.add((name, arg, "dropped"))
                else:
                    bad.append(f"{name}: input {arg} of v2.1 missing")
                continue
            want = TYPES.get(r["types"].get(arg), {})
            got = {k: props[arg].get(k) for k in want}
            if got != want:
                bad.append(f"{name}: input {arg} is {r['types'][arg]} in v2.1, here {got}")
            if r_req and arg not in req:
                bad.append(f"{name}: input {arg} is required in v2.1, optional here")
            elif not r_req and arg in req:
                if (name, arg, "required") in DEVIATIONS:
                    seen.add((name, arg, "required"))
                else:
                    bad.append(f"{name}: input {arg} is optional in v2.1, required here")
        # what is new is optional, or a path parameter
        for arg in req - set(r["args"]):
            if "{" + arg + "}" not in t["path"]:
                bad.append(f"{name}: new input {arg} is required")
    for d in sorted(DEVIATIONS - seen):
        bad.append(f"deviation {d} no longer happens: drop it")
    return bad


def annotations(tools_json):
    bad = []
    for t in json.load(open(tools_json)):
        a, name, method = t.get("annotations", {}), t["name"], t["method"]
        ro, destructive = a.get("readOnlyHint"), a.get("destructiveHint")
        if method == "GET" or name in READ_ONLY_POSTS:
            if ro is not True or destructive is True:
                bad.append(f"{name}: {method} {t['path']} (read-only), annotations {a}")
        elif ro is not False:
            bad.append(f"{name}: {method} but readOnlyHint is {ro}")
        if method == "DELETE" or re.search(r"/(bulk-)?revoke$", t["path"]):
            if destructive is not True:
                bad.append(f"{name}: {method} {t['path']} without destructiveHint true")
        if method in ("PUT", "DELETE") and a.get("idempotentHint") is not True:
            bad.append(f"{name}: {method} without idempotentHint true")
    return bad


def main(argv):
    if argv[1] == "parse":
        for t in parse(argv[2]).values():
            print(json.dumps(t))
        return 0
    bad = inputs(*argv[2:5]) if argv[1] == "inputs" else annotations(argv[2])
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
