#!/usr/bin/env bash
# Acceptance: concurrent writers while `audit verify` loops. Prints records and false alarms.
#   usage: audit_concurrency.sh JWTCTL [single|batch]
set -euo pipefail
bin=$1 mode=${2:-single}
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
export NEW_SECRET=new-secret-after-rebuild-0123456789abcdef JWTCTL_AUDIT_LOG=$work/state/audit.jsonl
"$bin" mint --claim sub=seed --exp 1h --secret-env NEW_SECRET >/dev/null 2>&1
: >"$work/stop"; rm "$work/stop"
( runs=0 alarms=0
  while [ ! -e "$work/stop" ]; do
    runs=$((runs+1))
    "$bin" audit verify -q || alarms=$((alarms+1))
  done
  echo "verify runs: $runs, false alarms: $alarms" ) & reader=$!
if [ "$mode" = single ]; then
  for p in $(seq 8); do
    ( for m in $(seq 50); do
        "$bin" mint --claim "sub=p$p-m$m" --exp 1h --secret-env NEW_SECRET >/dev/null 2>&1
      done ) &
  done
  expected=$((1 + 8*50))
else
  tokens=${TOKENS:-50000}
  python3 - "$work" "$tokens" <<'PY'
import base64, hmac, hashlib, json, sys
work, n = sys.argv[1], int(sys.argv[2])
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=")
h = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
for w in range(4):
    with open(f"{work}/in{w}", "wb") as f:
        for i in range(n):
            p = b(json.dumps({"sub": f"w{w}-{i}"}).encode())
            s = b(hmac.new(b"old", h + b"." + p, hashlib.sha256).digest())
            f.write(h + b"." + p + b"." + s + b"\n")
PY
  for w in 0 1 2 3; do
    "$bin" mint --from - --unverified-source --exp 1h --secret-env NEW_SECRET \
      <"$work/in$w" >"$work/out$w" 2>/dev/null &
  done
  expected=$((1 + 4*tokens))
fi
for job in $(jobs -p); do [ "$job" = "$reader" ] || wait "$job"; done
touch "$work/stop"; wait "$reader"
"$bin" audit verify --json | python3 -c "import json,sys; r=json.load(sys.stdin); print('records:', r['records'], 'of', $expected, 'intact:', r['intact'])"
