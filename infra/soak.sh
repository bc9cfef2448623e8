#!/usr/bin/env bash
# A soak: `tessera serve` (release build, embedded store, a fresh data folder) under a steady
# mixed load for SOAK_MINUTES (10 by default): device polls, pass creates and public
# downloads at once (wrk: 100, 2 and 50 connections; creates are few because every pass
# stays on disk), its resident memory (RSS) sampled every 30 s. Prints the samples; fails
# when the last third's highest RSS is over 1.5 times the first third's highest (memory that
# keeps growing), or when any request failed.
# Needs wrk and unzip.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${SOAK_MINUTES:-10}"
bin=target/release/tessera
cargo build --release --quiet -p tessera-functions --bin tessera
data="$(mktemp -d)"
source infra/ports.sh
port="$(free_port)"
RUST_LOG=warn TESSERA_DATA_DIR="$data" TESSERA_API_KEY=soak:soak-secret-0123456789 PORT="$port" "$bin" serve >"$data/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/openapi.json" >/dev/null && break; sleep 0.1; done
api=(curl -sf -u soak:soak-secret-0123456789 -H 'Api-Revision: 1.2')
icon="$(base64 -w0 tests/fixtures/passes/event-ticket/icon.png)"
template="$("${api[@]}" "$base/v1/template" -d "{\"name\": \"Soak\", \"type\": \"eventTicket\",
  \"passTypeIdentifier\": \"pass.dev.tessera.soak\", \"organizationName\": \"Soak Arena\",
  \"headers\": {\"barcode_type\": {\"value\": \"QR\"}, \"barcode_value\": {\"value\": \"TICKET-1\"},
    \"icon_image\": {\"value\": \"data:image/png;base64,$icon\"}},
  \"fields\": {\"Seat\": {\"fieldType\": \"primary\", \"label\": \"SEAT\", \"value\": \"12\"}}}")"
template_id="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$template")"
pass="$("${api[@]}" "$base/v1/pass/$template_id" -d '{"publicUrl": {"type": "multiple"}}')"
link="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["publicUrl"]["path"])' <<<"$pass")"
curl -sf -o "$data/pass.pkpass" "$link?download=1"
read -r serial token < <(unzip -p "$data/pass.pkpass" pass.json |
  python3 -c 'import json,sys; p = json.load(sys.stdin); print(p["serialNumber"], p["authenticationToken"])')
cat >"$data/create.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"fields": {"Seat": {"value": "21"}}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic c29hazpzb2FrLXNlY3JldC0wMTIzNDU2Nzg5"
wrk.headers["Api-Revision"] = "1.2"
LUA
rss() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
duration="${minutes}m"
echo "soak: ${minutes} min; RSS at start $(rss) kB" >&2
wrk -t1 -c100 -d"$duration" -H "Authorization: ApplePass $token" "$base/v1/passes/pass.dev.tessera.soak/$serial" >"$data/poll.out" &
polls=$!
wrk -t1 -c2 -d"$duration" -s "$data/create.lua" "$base/v1/pass/$template_id" >"$data/create.out" &
creates=$!
wrk -t1 -c50 -d"$duration" "$link?download=1" >"$data/download.out" &
downloads=$!
: >"$data/rss"
while kill -0 "$polls" 2>/dev/null; do
  sleep 30
  kill -0 "$server" 2>/dev/null || { echo "the server died" >&2; tail -n 20 "$data/server.log" >&2; exit 1; }
  echo "$(rss)" >>"$data/rss"
  echo "  $(wc -l <"$data/rss") × 30 s: RSS $(tail -n 1 "$data/rss") kB" >&2
done
wait "$polls" "$creates" "$downloads"
failed=0
for name in poll create download; do
  echo "$name: $(awk '/^Requests\/sec/ {print $2}' "$data/$name.out") req/s $(grep -E 'Non-2xx|Socket errors' "$data/$name.out" || true)" >&2
  grep -qE 'Non-2xx' "$data/$name.out" && failed=1
done
if [ "$failed" -ne 0 ]; then
  echo "the server's warnings and errors:" >&2
  grep -E 'WARN|ERROR' "$data/server.log" | sort | uniq -c | sort -rn | head -n 20 >&2 || true
fi
python3 - "$data/rss" <<'PY'
import sys
samples = [int(line) for line in open(sys.argv[1]) if line.strip()]
third = max(1, len(samples) // 3)
first, last = max(samples[:third]), max(samples[-third:])
print(f"RSS: first third's peak {first} kB, last third's peak {last} kB ({last / first:.2f}x)")
sys.exit(1 if last > 1.5 * first else 0)
PY
exit "$failed"
