#!/usr/bin/env python3
"""gen-csrs.py — request bodies for POST /api/v1/agents/{id}/csr, one JSON object per line.

  gen-csrs.py --key ec256|rsa2048 --n N [--keys K] [--same] --out FILE

Line i (1-based) is {"csr_pem": <PKCS#10 PEM>, "certificate_id": "<cert-prefix><i:05d>"}.
Every CSR is distinct (its own subject CN and DNS SAN, svc-<i:05d>.bench.test): the Local CA
caches the verification of identical CSR bytes, so a benchmark of distinct requests must
not repeat any. K keys (default N for ec256, N/10 for rsa2048: an RSA-2048 key takes ~50 ms
to generate, the CSR's signature is what the server verifies, so sharing a key between
several requests changes nothing the server does) are cycled through.
--same: one CSR (CN svc-same.bench.test) in every line, still N different certificate ids:
the figure cfssl's baseline measures (it posts one fixed CSR).
Needs python3-cryptography (Debian package).
"""
import argparse
import json
import multiprocessing
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


def newkey(kind):
    if kind == "ec256":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def keypem(kind):  # for the worker pool: keys cross processes as PEM
    return newkey(kind).private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def csr(key, name):
    b = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
    b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
    return b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", choices=["ec256", "rsa2048"], required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--keys", type=int, default=0)
    ap.add_argument("--same", action="store_true")
    ap.add_argument("--cert-prefix", default="mc-iss-")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    nkeys = 1 if a.same else (a.keys or (a.n if a.key == "ec256" else max(1, a.n // 10)))
    nkeys = min(nkeys, a.n)
    if a.key == "rsa2048" and nkeys > 1:
        with multiprocessing.Pool() as p:
            keys = [serialization.load_pem_private_key(k, None)
                    for k in p.map(keypem, [a.key] * nkeys)]
    else:
        keys = [newkey(a.key) for _ in range(nkeys)]
    same = csr(keys[0], "svc-same.bench.test") if a.same else None
    with open(a.out, "w") as f:
        for i in range(1, a.n + 1):
            pem = same or csr(keys[(i - 1) % nkeys], "svc-%05d.bench.test" % i)
            f.write(json.dumps({"csr_pem": pem, "certificate_id": "%s%05d" % (a.cert_prefix, i)},
                               separators=(",", ":")) + "\n")
    print("gen-csrs: %d bodies, %d %s key(s)%s -> %s" % (a.n, nkeys, a.key,
          ", one CSR" if a.same else "", a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
