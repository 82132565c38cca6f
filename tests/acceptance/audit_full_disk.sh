#!/usr/bin/env bash
# Acceptance (root): a 64 KiB tmpfs filled by mints. Expect exit 6 with no torn tail, then,
# after growing the file system, mints succeed again with no hand edit.
#   usage: audit_full_disk.sh JWTCTL
set -euo pipefail
bin=$1
mnt=$(mktemp -d) && trap 'umount "$mnt" 2>/dev/null; rmdir "$mnt"' EXIT
mount -t tmpfs -o size=64k,mode=0700 tmpfs "$mnt"
export NEW_SECRET=new-secret-after-rebuild-0123456789abcdef JWTCTL_AUDIT_LOG=$mnt/audit.jsonl
ok=0 code=0
while :; do
  if out=$("$bin" mint --claim sub=u$ok --exp 1h --secret-env NEW_SECRET 2>"$mnt.err"); then
    ok=$((ok+1))
  else
    code=$?; break
  fi
done
echo "mints before full: $ok; then exit $code, stdout bytes: ${#out}"
sed 's/^/  stderr: /' "$mnt.err"; rm -f "$mnt.err"
printf 'last byte of the log: %s\n' "$(tail -c1 "$JWTCTL_AUDIT_LOG" | od -An -c | tr -d ' ')"
"$bin" audit verify | tail -2
mount -o remount,size=256k "$mnt"
"$bin" mint --claim sub=after --exp 1h --secret-env NEW_SECRET >/dev/null && echo "after growing: mint ok"
"$bin" audit verify | tail -2
