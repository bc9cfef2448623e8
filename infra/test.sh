#!/usr/bin/env bash
# Runs every test of the workspace, on both backends: the embedded one, and the AWS one
# against moto_server (DynamoDB, S3 and Secrets Manager over the real wire protocols); the
# OpenAPI test fuzzes the running server with schemathesis; zxing-cpp reads the barcodes of
# pass previews; the holder's pages open in headless Chromium (installed with apt when missing).
# Google classes and objects are held to Google's walletobjects discovery document (from
# google-api-python-client). Installs moto, schemathesis and that client into .venv on first
# use, starts one moto instance on a free 127.0.0.1 port (serving requests one at a time, see
# infra/moto_serial.py), stops it afterwards; notes the AWS operations each route made in
# target/aws-operations.jsonl. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${TESSERA_VENV:-.venv}"
if [ ! -x "$venv/bin/moto_server" ] || [ ! -x "$venv/bin/schemathesis" ]; then
  echo "installing moto[server] and schemathesis into $venv ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]' schemathesis
fi

# zxing-cpp reads back the barcodes Tessera draws (tests/src/barcode_reader.rs).
if ! "$venv/bin/python" -c 'import zxingcpp, PIL' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check zxing-cpp pillow
fi

# The holder's pages are tested in Debian's Chromium, driven by playwright-core and checked
# by axe-core (tests/browser; tests/tests/end_to_end/browser_pages.rs).
if [ -z "${TESSERA_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium ..." >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi

# Google's own description of the walletobjects API, to hold classes and objects to.
discovery="$(ls "$venv"/lib/python3*/site-packages/googleapiclient/discovery_cache/documents/walletobjects.v1.json 2>/dev/null | head -n 1 || true)"
if [ -z "$discovery" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check google-api-python-client
  discovery="$(ls "$venv"/lib/python3*/site-packages/googleapiclient/discovery_cache/documents/walletobjects.v1.json | head -n 1)"
fi
export TESSERA_WALLETOBJECTS_DISCOVERY="$(cd "$(dirname "$discovery")" && pwd)/$(basename "$discovery")"

source infra/ports.sh
port="$(free_port)"
log="$(mktemp)"
"$venv/bin/python" infra/moto_serial.py 127.0.0.1 "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; rm -f "$log"' EXIT
wait_for_port 127.0.0.1 "$port" "$moto_pid" 20 "$log"
export TESSERA_TEST_AWS_ENDPOINT="http://127.0.0.1:$port"

# The AWS operations each route and worker made on moto, which the deploy rehearsal holds
# each function's IAM role to (tests/src/aws_operations.rs).
export TESSERA_AWS_OPERATIONS_LOG="$PWD/target/aws-operations.jsonl"
mkdir -p target
: > "$TESSERA_AWS_OPERATIONS_LOG"

cargo test --workspace --locked "$@"
