#!/usr/bin/env bash
# Acceptance: kill -9 batch mints at random moments. After each: every printed token has its
# record, `audit verify` names the state, `audit repair --yes` restores an appendable log.
#   usage: audit_kill9.sh JWTCTL [KILLS]
set -euo pipefail
bin=$1 kills=${2:-15}
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
export NEW_SECRET=new-secret-after-rebuild-0123456789abcdef JWTCTL_AUDIT_LOG=$work/state/audit.jsonl
python3 - "$work/in" <<'PY'
import base64, hmac, hashlib, json, sys
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=")
h = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
with open(sys.argv[1], "wb") as f:
    for i in range(100000):
        p = b(json.dumps({"sub": f"u{i}"}).encode())
        s = b(hmac.new(b"old", h + b"." + p, hashlib.sha256).digest())
        f.write(h + b"." + p + b"." + s + b"\n")
PY
"$bin" mint --claim sub=seed --exp 1h --secret-env NEW_SECRET >/dev/null 2>&1
orphans=0 repaired=0
for k in $(seq "$kills"); do
  "$bin" mint --from - --unverified-source --exp 1h --secret-env NEW_SECRET \
    <"$work/in" >"$work/out" 2>/dev/null & pid=$!
  sleep "0.$(( RANDOM % 9 + 1 ))$(( RANDOM % 10 ))"
  kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  state=$("$bin" audit verify --json | python3 -c "import json,sys; r=json.load(sys.stdin); b=r['first_break']; print(r['records'], 'intact' if r['intact'] else b['kind'] + ': ' + b['message'])" || true)
  missing=$(python3 - "$work/out" "$JWTCTL_AUDIT_LOG" <<'PY'
import hashlib, json, sys
tokens = [l.strip() for l in open(sys.argv[1]) if l.strip()]
have = set()
for line in open(sys.argv[2], "rb"):
    try: have.add(json.loads(line).get("new_token_sha256"))
    except ValueError: pass
print(sum("sha256:" + hashlib.sha256(t.encode()).hexdigest() not in have for t in tokens), len(tokens))
PY
)
  orphans=$((orphans + ${missing%% *}))
  echo "kill $k: tokens printed ${missing#* }, without record ${missing%% *}; verify: $state"
  if ! "$bin" audit verify -q; then
    "$bin" audit repair | sed 's/^/    /'
    "$bin" audit repair --yes -q && repaired=$((repaired+1))
    "$bin" audit verify -q && echo "    repaired: intact"
  fi
done
"$bin" mint --claim sub=after --exp 1h --secret-env NEW_SECRET >/dev/null 2>&1 && echo "mint after the kills: ok"
"$bin" audit verify | tail -2
echo "kills: $kills, tokens without a record: $orphans, repairs: $repaired"
