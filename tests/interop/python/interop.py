"""The Python side of the interop matrix test: signing and verifying with PyJWT.

Usage:
  python3 interop.py sign ALG KEY            print a token signed with KEY (PEM or secret)
  python3 interop.py verify ALG KEY TOKEN    exit 0 when the token verifies with KEY
                                             (a PEM, a secret, or a .jwk file)
"""

import json
import sys
import time

import jwt


def key(alg, path):
    if path.endswith(".jwk"):
        with open(path, encoding="utf-8") as f:
            return jwt.PyJWK(json.load(f), algorithm=alg).key
    with open(path, "rb") as f:
        return f.read()


def main():
    cmd, alg, path = sys.argv[1:4]
    try:
        if cmd == "sign":
            claims = {"sub": "interop", "exp": int(time.time()) + 3600}
            print(jwt.encode(claims, key(alg, path), algorithm=alg))
        elif cmd == "verify":
            jwt.decode(sys.argv[4], key(alg, path), algorithms=[alg])
        else:
            raise ValueError(f"unknown command {cmd}")
    except Exception as e:  # noqa: BLE001 - every failure is a failed row
        print(f"PyJWT: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)


main()
