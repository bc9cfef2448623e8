#!/usr/bin/env bash
# Builds Lambda functions the way they are deployed: cargo lambda with its zig linker for
# x86_64 Linux against glibc 2.17 (provided.al2023 has 2.34; the margin keeps any glibc
# symbol newer than that out), one output folder per function: target/lambda/<name>/bootstrap,
# which template.yaml's CodeUri names. Functions link no OpenSSL (they sign with AWS-LC, and
# infra/check-lambda-artifacts.sh fails one that does), but the shared crate still depends on
# the openssl crate for the CLI, whose build needs OpenSSL for the target: `vendored-openssl`
# compiles it from source (zig cannot use the host's headers).
#
#   infra/lambda-build.sh [--profile lambda|sam-local] [--arm64] [function ...]
#
# No function named: all of them. `lambda` (the default) is the deployed profile (fat LTO,
# size-optimized: minutes per function on 2 cores); `sam-local` builds quickly for the sam
# local suite. cargo-lambda and ziglang (zig) come from PyPI into $TESSERA_VENV (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=lambda
target=x86_64-unknown-linux-gnu.2.17
bins=()
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile="$2"; shift 2 ;;
    --arm64) target=aarch64-unknown-linux-gnu.2.17; shift ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) bins+=(--bin "$1"); shift ;;
  esac
done

venv="${TESSERA_VENV:-.venv}"
[ -x "$venv/bin/python3" ] || python3 -m venv "$venv"
if [ ! -x "$venv/bin/cargo-lambda" ] || ! "$venv/bin/python3" -c 'import ziglang' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check cargo-lambda ziglang
fi
venv_bin="$(cd "$venv/bin" && pwd)"
# Without names, every binary behind the `lambda` feature: the CLI is not a function.
if [ ${#bins[@]} -eq 0 ]; then
  while read -r name; do
    [ "$name" = tessera ] || bins+=(--bin "$name")
  done < <(sed -n 's/^name = "\(.*\)"$/\1/p' functions/Cargo.toml | tail -n +2)
fi
PATH="$venv_bin:$PATH" "$venv_bin/cargo-lambda" lambda build --locked --profile "$profile" \
  --features lambda,vendored-openssl --target "$target" "${bins[@]}"
