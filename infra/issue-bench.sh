#!/usr/bin/env bash
# Bulk issue measured end to end: `tessera issue` makes ROWS passes (10,000 by default) from a
# CSV on `tessera serve` (release, embedded store, both on this machine), once through
# `POST /v1/pass/batch` and once with one request per pass, next to the signing engine's own
# rate from `cargo bench --bench pkpass` (its summary line) in the same run.
#
#   infra/issue-bench.sh            (ROWS=2000 infra/issue-bench.sh for a quicker look)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${ROWS:-10000}"
source infra/ports.sh

cargo build --release --locked -p tessera-functions --bin tessera
tessera="$PWD/target/release/tessera"
work="$(mktemp -d)"
key="bench:bench-secret-0123456789abcdef"
port="$(free_port)"
base="http://127.0.0.1:$port"
TESSERA_DATA_DIR="$work/data" TESSERA_API_KEY="$key" PORT="$port" NO_COLOR=1 \
  "$tessera" serve >"$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for_port 127.0.0.1 "$port" "$server" 60 "$work/serve.log"

# The tests' event ticket (its fields and icon) as two templates, one per way of sending,
# made with the client commands; the CSV's rows set each pass's seat and a tag.
python3 - "$rows" "$work" <<'PY'
import base64, json, sys
rows, work = int(sys.argv[1]), sys.argv[2]
with open("tests/fixtures/passes/event-ticket/icon.png", "rb") as png:
    icon = "data:image/png;base64," + base64.b64encode(png.read()).decode()
template = {
    "name": "Bench", "description": "Bench tickets", "vendor": "apple", "type": "eventTicket",
    "passTypeIdentifier": "pass.dev.tessera.example", "organizationName": "Example Arena",
    "headers": {"icon_image": {"value": icon}, "barcode_type": {"value": "PKBarcodeFormatQR"},
                "barcode_value": {"value": "TICKET"}, "background_color": {"value": "#3c414c"}},
    "fields": {"Event": {"fieldType": "primary", "label": "EVENT", "value": "The Tour"},
               "Seat": {"fieldType": "auxiliary", "label": "SEAT", "value": "1"}},
}
with open(f"{work}/template.json", "w") as out:
    json.dump(template, out)
with open(f"{work}/project.json", "w") as out:
    json.dump({"name": "Bench", "projectType": "eventTicket", "description": "bench"}, out)
with open(f"{work}/rows.csv", "w") as csv:
    csv.write("externalId,Seat,tags\n")
    for n in range(1, rows + 1):
        csv.write(f"row-{n},{n},bench\n")
PY
export TESSERA_URL="$base" TESSERA_KEY="$key" TESSERA_PROFILES="$work/no-profiles"
"$tessera" projects create --file "$work/project.json" --external-id bench --json >/dev/null
for template in bench-batch bench-single; do
  "$tessera" templates create --project bench --external-id "$template" --file "$work/template.json" --json >/dev/null
done

issue() {
  "$tessera" issue --csv "$work/rows.csv" --link none "$@" 2>&1 | tail -n 1
}
echo "== $rows rows through POST /v1/pass/batch (50 per request, 4 requests at a time)"
issue --template bench-batch --out "$work/batch.csv"
echo "== $rows rows, one request per pass (16 at a time)"
issue --template bench-single --out "$work/single.csv" --batch 1 --concurrency 16
echo "== the engine (cargo bench --bench pkpass)"
cargo bench --locked -p tessera --bench pkpass -- --warm-up-time 1 --measurement-time 3 2>/dev/null | grep '^summary'
