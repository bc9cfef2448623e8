#!/usr/bin/env bash
# Holds built Lambda functions (target/lambda/<name>/bootstrap) to what provided.al2023 runs
# as built, and prints a size table. Fails when a function
#   - needs a shared library beyond glibc's own and libgcc_s,
#   - asks for a glibc symbol version of 2.34 or newer (AL2023 has 2.34: no margin left),
#   - has an RPATH/RUNPATH, or another interpreter than glibc's loader,
#   - carries OpenSSL (its default provider's name): functions sign and hash with AWS-LC,
#     which the SDK's TLS links anyway; OpenSSL is for the CLI's imports and development PKI,
#   - is larger than --max-mib (when given).
#
#   infra/check-lambda-artifacts.sh [--max-mib N] [function ...]   (none named: all built)
set -euo pipefail
cd "$(dirname "$0")/.."

max_mib=""
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --max-mib) max_mib="$2"; shift 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
if [ ${#names[@]} -eq 0 ]; then
  for dir in target/lambda/*/; do
    [ -f "$dir/bootstrap" ] && names+=("$(basename "$dir")")
  done
fi
[ ${#names[@]} -gt 0 ] || { echo "no built functions under target/lambda/" >&2; exit 1; }

allowed='^(libc\.so\.6|libm\.so\.6|libgcc_s\.so\.1|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1)$'
failures=0
fail() { echo "FAIL $1: $2" >&2; failures=$((failures + 1)); }

echo "| function | size (MiB) | newest glibc symbol | shared libraries |"
echo "|---|---:|---|---|"
for name in "${names[@]}"; do
  file="target/lambda/$name/bootstrap"
  [ -f "$file" ] || { fail "$name" "not built ($file)"; continue; }
  needed="$(readelf -d -W "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
  while read -r lib; do
    [ -z "$lib" ] || [[ "$lib" =~ $allowed ]] || fail "$name" "needs $lib"
  done <<< "$needed"
  if readelf -d -W "$file" | grep -qE '\((RPATH|RUNPATH)\)'; then fail "$name" "has an RPATH/RUNPATH"; fi
  interpreter="$(readelf -l -W "$file" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')"
  case "$interpreter" in
    /lib64/ld-linux-x86-64.so.2|/lib/ld-linux-aarch64.so.1) ;;
    *) fail "$name" "interpreter '$interpreter'" ;;
  esac
  newest="$(readelf -V -W "$file" | grep -oE 'GLIBC_[0-9]+\.[0-9]+(\.[0-9]+)?' | sort -u -V | tail -n 1)"
  if [ -n "$newest" ] && [ "$(printf '%s\nGLIBC_2.34\n' "$newest" | sort -V | tail -n 1)" = "$newest" ]; then
    fail "$name" "needs $newest (provided.al2023 has GLIBC_2.34)"
  fi
  if grep -q -a 'OpenSSL Default Provider' "$file"; then fail "$name" "links OpenSSL"; fi
  bytes="$(stat -c %s "$file")"
  mib="$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1048576 }')"
  if [ -n "$max_mib" ] && awk -v m="$mib" -v max="$max_mib" 'BEGIN { exit !(m >= max) }'; then
    fail "$name" "$mib MiB, the limit is $max_mib MiB"
  fi
  echo "| $name | $mib | ${newest:-none} | $(echo $needed | tr ' ' ',') |"
done
[ "$failures" -eq 0 ] || { echo "$failures problem(s) with the built functions" >&2; exit 1; }
