#!/usr/bin/env python3
"""openapi-check.py: reads docs/openapi.yaml for t5001-api-openapi.bats.

  openapi-check.py ops SPEC          one line per operation: METHOD PATH OPERATION_ID FLAGS
                                     (FLAGS: public when security is [], agent when
                                     x-certctl-agent-key is true, "-" for neither)
  openapi-check.py version SPEC      info.version
  openapi-check.py routes ROUTES_DEF the same lines from daemon/routes.def
  openapi-check.py schemas SPEC TOP  every schema with x-certctl-entity against the entity's
                                     fields[] table in libcc/: same JSON keys (CC_F_HIDDEN
                                     left out), types and readOnly (CC_F_RO); prints each
                                     mismatch, exits 1 if any
"""
import re
import sys

import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def load(path):
    with open(path) as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def ops(spec):
    doc = load(spec)
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            flags = []
            if op.get("security", doc.get("security")) == []:
                flags.append("public")
            if op.get("x-certctl-agent-key") is True:
                flags.append("agent")
            print(method.upper(), path, op.get("operationId", "-"), ",".join(flags) or "-")


ROUTE_RE = re.compile(r'^ROUTE\((\w+), "([^"]+)", (\w+), ([^)]+)\)', re.M)


def routes(path):
    with open(path) as f:
        text = f.read()
    for method, pattern, handler, flags in ROUTE_RE.findall(text):
        fl = {x.strip() for x in flags.split("|")}
        out = [n for n, f in (("public", "R_PUBLIC"), ("agent", "R_AGENT")) if f in fl]
        print(method, pattern, handler, ",".join(out) or "-")


FIELD_RE = re.compile(r'CC_FIELD(_AS)?\(\s*struct\s+\w+,\s*\w+,\s*(NULL|"[^"]*")\s*,\s*'
                      r'(?:(NULL|"[^"]*")\s*,\s*)?(\w+),\s*([^)]*)\)', re.S)
JSON_TYPES = {
    "TEXT": ({"string"}, None, None),
    "INT": ({"integer"}, None, None),
    "BOOL": ({"boolean"}, None, None),
    "TIME": ({"string"}, "date-time", None),
    "STRV": ({"array"}, None, "string"),
    "INTV": ({"array"}, None, "integer"),
    "JSON": ({"object", "array", "null"}, None, None),  # any of these
}


def entity_fields(top, ref):
    """the (key, type, flags) rows of the fields[] table of entity `file.c:var`"""
    path, var = ref.split(":")
    with open(f"{top}/{path}") as f:
        text = f.read()
    m = re.search(r"const struct cc_entity " + re.escape(var) + r" = \{(.*?)\n\};", text, re.S)
    if not m:
        return None
    table = re.search(r"\.fields = (\w+)", m.group(1)).group(1)
    body = re.search(r"static const struct cc_field " + table + r"\[\] = \{(.*?)\n\};",
                     text, re.S).group(1)
    rows = []
    for fm in FIELD_RE.finditer(body):
        is_as, col, key, typ, flags = fm.groups()
        key = key if is_as else col
        if key in (None, "NULL"):
            continue
        rows.append((key.strip('"'), typ, {x.strip() for x in flags.split("|")}))
    return rows


def schemas(spec, top):
    doc = load(spec)
    bad = []
    n = 0
    for name, sch in doc["components"]["schemas"].items():
        ref = sch.get("x-certctl-entity")
        if not ref:
            continue
        n += 1
        rows = entity_fields(top, ref)
        if rows is None:
            bad.append(f"{name}: no entity {ref}")
            continue
        props = sch.get("properties", {})
        want = [r for r in rows if "CC_F_HIDDEN" not in r[2]]
        keys = [r[0] for r in want]
        for k in keys:
            if k not in props:
                bad.append(f"{name}: lacks key '{k}' of {ref}")
        for k in props:
            # keys a handler adds to the entity's JSON (resource.h to_json) say so
            if k not in keys and not props[k].get("x-certctl-computed"):
                hidden = any(r[0] == k for r in rows)
                bad.append(f"{name}: key '{k}' is " +
                           ("CC_F_HIDDEN" if hidden else "not a field") + f" in {ref}")
        for k, typ, flags in want:
            p = props.get(k)
            if p is None:
                continue
            types = p.get("type")
            types = set(types) if isinstance(types, list) else {types}
            allowed, fmt, item = JSON_TYPES[typ]
            if not types or not types - {"null"} or not (types - {"null"}) <= allowed:
                bad.append(f"{name}.{k}: type {sorted(types, key=str)} for a {typ} field")
            if fmt and p.get("format") != fmt:
                bad.append(f"{name}.{k}: format should be {fmt}")
            if item and p.get("items", {}).get("type") != item:
                bad.append(f"{name}.{k}: items should be {item}")
            if bool(p.get("readOnly")) != ("CC_F_RO" in flags):
                bad.append(f"{name}.{k}: readOnly should be {'CC_F_RO' in flags}")
    if not n:
        bad.append("no schema has x-certctl-entity")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "ops" and len(sys.argv) == 3:
        ops(sys.argv[2])
    elif cmd == "version" and len(sys.argv) == 3:
        print(load(sys.argv[2])["info"]["version"])
    elif cmd == "routes" and len(sys.argv) == 3:
        routes(sys.argv[2])
    elif cmd == "schemas" and len(sys.argv) == 4:
        sys.exit(schemas(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
