"""PyJWT's side of the benchmark: verify every token on stdin, one result line per token.

    python3 tests/bench/peer.py ALG KEYFILE [AT] < tokens.txt
    python3 tests/bench/peer.py --version

ALG is HS256 (KEYFILE holds the secret, byte for byte), RS256 or ES256 (KEYFILE holds the
public key as PEM). AT is ignored: PyJWT judges times by the clock, which the corpus's times
suit (every iat is in the past, every exp a century ahead). Needs `pip install pyjwt cryptography` (cryptography for RS256 and ES256).
Exits 0 when every token verified, 1 otherwise, 3 when PyJWT cannot be imported.
"""

import sys

try:
    import jwt
except ImportError as e:
    sys.stderr.write(f"cannot import jwt: {e}\n")
    sys.exit(3)


def asymmetric():
    try:
        import cryptography

        return f"cryptography {cryptography.__version__}"
    except ImportError:
        return None


def main():
    if sys.argv[1:] == ["--version"]:
        crypto = asymmetric()
        print(f"PyJWT {jwt.__version__}")
        print(crypto or "no cryptography: HS256 only")
        return 0
    alg, key_path = sys.argv[1], sys.argv[2]
    with open(key_path, "rb") as f:
        key = f.read()
    if alg != "HS256":
        # Parsed once, as jwtctl prepares a key once per batch, not once per token.
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        key = load_pem_public_key(key)
    out = sys.stdout
    bad = 0
    for line in sys.stdin.buffer:
        token = line.strip()
        if not token:
            continue
        try:
            jwt.decode(token, key, algorithms=[alg])
            out.write("ok\n")
        except jwt.InvalidTokenError as e:
            bad += 1
            out.write(f"invalid: {e}\n")
    out.flush()
    return 1 if bad else 0


sys.exit(main())
