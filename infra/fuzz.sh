#!/usr/bin/env bash
# Runs every cargo fuzz target of shared/fuzz for a bounded time (FUZZ_SECONDS each, 60 by
# default), each from a copy of its committed seed corpus (shared/fuzz/corpus/<target>), so
# the committed corpora only change by hand. Fails on the first panic, crash, leak or hang
# (libFuzzer's -timeout per input); the input that did it is left in
# shared/fuzz/artifacts/<target>/. Installs cargo-fuzz when missing; builds on the nightly
# toolchain when one is installed, else on stable with RUSTC_BOOTSTRAP=1.
#
#   infra/fuzz.sh [target ...]     (none named: all)
set -euo pipefail
cd "$(dirname "$0")/../shared/fuzz"
seconds="${FUZZ_SECONDS:-60}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --quiet --locked cargo-fuzz
fi
toolchain=()
if rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo "${toolchain[@]}" fuzz list)
# Every target built in one cargo run (the sanitized crates once, the links in parallel); each
# run below then finds its binary up to date.
[ $# -gt 0 ] || cargo "${toolchain[@]}" fuzz build --release
for target in "${targets[@]}"; do
  work="$(mktemp -d)"
  cp -r "corpus/$target/." "$work/"
  echo "== $target: ${seconds} s from $(ls "$work" | wc -l) seeds" >&2
  log="$work.log"
  status=0
  cargo "${toolchain[@]}" fuzz run --release "$target" "$work" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | tr '\n' ' ' >&2 || true
  echo >&2
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "FAIL $target (its input is in shared/fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  rm -rf "$work" "$log"
done
echo "all ${#targets[@]} fuzz targets ran ${seconds} s each without a failure" >&2
