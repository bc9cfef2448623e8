#!/usr/bin/env bash
# Apple Wallet's device poll (GET /v1/passes/{type}/{serial} with its ApplePass token), the
# holder's page of a public link (a browser's GET), the public download itself (the .pkpass),
# pass creation (POST /v1/pass/{templateId}: render, sign, store) and the pass drawn as a PNG
# (GET /v1/pass/{id}/preview, Accept: image/png) against the same server's static route (GET
# /openapi.json), in one run: wrk -t2 -c200 -d8s on each, twice, alternating. Release build,
# embedded store, a fresh data folder. Needs wrk and unzip. Prints each run's rate and
# percentiles, and each route's share of the static route's rate.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-8s}"
bin=target/release/tessera
cargo build --release --quiet -p tessera-functions --bin tessera
data="$(mktemp -d)"
source infra/ports.sh
port="$(free_port)"
RUST_LOG=warn TESSERA_DATA_DIR="$data" TESSERA_API_KEY=load:load-secret-0123456789 PORT="$port" "$bin" serve >"$data/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/openapi.json" >/dev/null && break; sleep 0.1; done
api=(curl -sf -u load:load-secret-0123456789 -H 'Api-Revision: 1.2')
icon="$(python3 -c 'import base64,sys; print(base64.b64encode(open(sys.argv[1],"rb").read()).decode())' tests/fixtures/passes/event-ticket/icon.png)"
# A photo-like strip (noise does not compress), so the pass weighs what real ones do (~40 KB),
# about as much as the static route's document.
strip="$(python3 - <<'PY'
import base64, os, struct, zlib
w, h = 375, 36
chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
raw = b"".join(b"\x00" + os.urandom(w * 3) for _ in range(h))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
print(base64.b64encode(png).decode())
PY
)"
template="$("${api[@]}" "$base/v1/template" -d "{\"name\": \"Load\", \"type\": \"eventTicket\",
  \"passTypeIdentifier\": \"pass.dev.tessera.load\", \"organizationName\": \"Load Arena\",
  \"headers\": {\"background_color\": {\"value\": \"#3c414c\"}, \"barcode_type\": {\"value\": \"QR\"},
    \"barcode_value\": {\"value\": \"TICKET-1\"}, \"icon_image\": {\"value\": \"data:image/png;base64,$icon\"},
    \"strip_image\": {\"value\": \"data:image/png;base64,$strip\"}},
  \"fields\": {\"Event\": {\"fieldType\": \"primary\", \"label\": \"EVENT\", \"value\": \"The Tour\"},
    \"Seat\": {\"fieldType\": \"auxiliary\", \"label\": \"SEAT\", \"value\": \"12\"}}}")"
template_id="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$template")"
pass="$("${api[@]}" "$base/v1/pass/$template_id" -d '{"fields": {"Seat": {"value": "14"}}, "publicUrl": {"type": "multiple"}}')"
pass_id="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$pass")"
public_link="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["publicUrl"]["path"])' <<<"$pass")"
page_headers=(-H 'Accept: text/html' -H 'User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)')
png_headers=(-H 'Authorization: Basic bG9hZDpsb2FkLXNlY3JldC0wMTIzNDU2Nzg5' -H 'Api-Revision: 1.2' -H 'Accept: image/png')
# wrk sends every pass create with the same body: a seat, no external id (each makes a pass).
cat >"$data/create.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"fields": {"Seat": {"value": "21"}}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic bG9hZDpsb2FkLXNlY3JldC0wMTIzNDU2Nzg5"
wrk.headers["Api-Revision"] = "1.2"
LUA
"${api[@]}" "$base/v1/pass/$pass_id/download" -o "$data/pass.pkpass"
read -r serial token < <(unzip -p "$data/pass.pkpass" pass.json |
  python3 -c 'import json,sys; p = json.load(sys.stdin); print(p["serialNumber"], p["authenticationToken"])')
device_url="$base/v1/passes/pass.dev.tessera.load/$serial"
curl -sf -o /dev/null -H "Authorization: ApplePass $token" "$device_url"
echo "pass $pass_id: $(stat -c %s "$data/pass.pkpass") bytes; /openapi.json: $(curl -s "$base/openapi.json" | wc -c) bytes"
echo "link page: $(curl -sf "${page_headers[@]}" "$public_link" | wc -c) bytes; preview PNG: $(curl -sf "${png_headers[@]}" "$base/v1/pass/$pass_id/preview" | wc -c) bytes"

measure() { # name, then wrk's arguments
  local name="$1"; shift
  local out; out="$(wrk -t2 -c200 -d"$duration" --latency "$@")"
  local rate p50 p90 p99 errors
  rate="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p90="$(awk '$1 == "90%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
  printf '%-12s %10s req/s   p50 %8s  p90 %8s  p99 %8s %s\n' "$name" "$rate" "$p50" "$p90" "$p99" "$errors"
  echo "$rate" >>"$data/$name.rates"
}
for _ in 1 2; do
  measure static "$base/openapi.json"
  measure device-poll -H "Authorization: ApplePass $token" "$device_url"
  measure link-page "${page_headers[@]}" "$public_link"
  measure download "$public_link?download=1"
  measure pass-create -s "$data/create.lua" "$base/v1/pass/$template_id"
  measure preview-png "${png_headers[@]}" "$base/v1/pass/$pass_id/preview"
done
python3 - "$data" <<'PY'
import sys
rates = lambda name: [float(r) for r in open(f"{sys.argv[1]}/{name}.rates")]
static = sum(rates("static"))
for name in ["device-poll", "link-page", "download", "pass-create", "preview-png"]:
    print(f"{name} / static route: {sum(rates(name)) / static:.1%} of the rate")
PY
