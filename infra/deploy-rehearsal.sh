#!/usr/bin/env bash
# A `sam deploy` rehearsal on moto: package, translate with the SAM translator, create the
# stack through a change set, and hold what was created to the code (infra/deploy_rehearsal.py
# says what is checked). Loopback only; tools in $TESSERA_VENV (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${TESSERA_VENV:-.venv}"
[ -x "$venv/bin/python3" ] || python3 -m venv "$venv"
if [ ! -x "$venv/bin/sam" ] || [ ! -x "$venv/bin/moto_server" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check aws-sam-cli 'moto[server]'
fi
venv_bin="$(cd "$venv/bin" && pwd)"
source infra/ports.sh

port="$(free_port)"
log="$(mktemp)"
"$venv_bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; rm -f "$log"' EXIT
wait_for_port 127.0.0.1 "$port" "$moto_pid" 20 "$log"
# `localhost`, not 127.0.0.1: moto takes a TemplateURL (and sam package's uploads) on
# 127.0.0.1 for a bucket-in-host address.
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 \
  "$venv_bin/python3" infra/deploy_rehearsal.py --endpoint "http://localhost:$port" --sam "$venv_bin/sam" || {
  status=$?; tail -n 30 "$log" >&2; exit "$status"; }
