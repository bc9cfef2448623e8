#!/usr/bin/env bash
# Runs Tessera's Lambdas the way SAM runs them and drives them end to end:
#   1. builds the suite's functions once (infra/lambda-build.sh: zig, glibc 2.17, no
#      OpenSSL) with the quick `sam-local` profile, and those TESSERA_SAM_DEPLOYED names
#      (default: get_pass push_dispatcher) exactly as deployed; holds them all to what
#      provided.al2023 runs (infra/check-lambda-artifacts.sh), and those built as deployed
#      to less than 8 MiB each;
#   2. makes sure SAM's base image exists: the registry's provided:al2023 when it can be
#      pulled, otherwise a stand-in made offline from Debian bullseye's packages (glibc 2.31,
#      older than AL2023's 2.34; busybox for the sh/mv/chmod SAM's image build runs; no CA
#      bundle, so the functions prove they need no system trust store);
#   3. creates a dedicated Docker network and starts moto on the host at that network's
#      gateway address (the function containers reach it there, and nothing else is exposed);
#   4. bootstraps the table, bucket, a signing identity (test PKI made now with openssl) and
#      an API token with the `tessera` CLI;
#   5. starts `sam local start-api` on 127.0.0.1 (warm containers) and runs
#      infra/sam_local_suite.py against it, which also runs `sam local invoke` for the push
#      dispatcher and for a function on a network-less container;
#   6. tears everything down, whatever happened.
# Needs a running Docker daemon. TESSERA_CLI names a `tessera` binary to bootstrap with
# instead of building one. Python tools (aws-sam-cli, moto, cargo-lambda, ziglang) go
# into $TESSERA_VENV (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
source infra/ports.sh

venv="${TESSERA_VENV:-.venv}"
functions=(openapi create_template create_pass update_pass list_passes download_pass
  public_download register_device updated_serials latest_pass unregister_device)
# Built exactly as deployed (profile lambda), so their size and cold start are the real ones.
read -r -a deployed <<< "${TESSERA_SAM_DEPLOYED-get_pass push_dispatcher}"
# The tag SAM builds its x86_64 emulation image from.
base_image="public.ecr.aws/lambda/provided:al2023-x86_64"
region=us-east-1
pass_type_id=pass.dev.tessera.samlocal
team_id=SAMLOCAL01
public_url=https://wallet.sam-local.test

docker info >/dev/null 2>&1 || { echo "no Docker daemon: start dockerd first" >&2; exit 1; }
[ -x "$venv/bin/python3" ] || python3 -m venv "$venv"
if [ ! -x "$venv/bin/sam" ] || [ ! -x "$venv/bin/moto_server" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check aws-sam-cli 'moto[server]'
fi
venv_bin="$(cd "$venv/bin" && pwd)"

work="$(mktemp -d)"
network="tessera-sam-$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Warm containers SAM left behind on our network, then the network itself.
  for container in $(docker ps -aq --filter "network=$network" 2>/dev/null); do
    docker rm -f "$container" >/dev/null 2>&1 || true
  done
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building ${#functions[@]} functions quickly, ${#deployed[@]} as deployed" >&2
infra/lambda-build.sh --profile sam-local "${functions[@]}"
[ ${#deployed[@]} -eq 0 ] || infra/lambda-build.sh --profile lambda "${deployed[@]}"
infra/check-lambda-artifacts.sh "${functions[@]}"
[ ${#deployed[@]} -eq 0 ] || infra/check-lambda-artifacts.sh --max-mib 8 "${deployed[@]}"
# The CLI that bootstraps moto: $TESSERA_CLI when given (CI frees the test build first).
cli="${TESSERA_CLI:-}"
if [ -z "$cli" ]; then
  cargo build --locked --quiet --bin tessera
  cli="$root/target/debug/tessera"
fi

echo "== base image" >&2
standin_base() {
  local dir="$work/standin" apt_opts
  mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/root"
  echo "deb http://deb.debian.org/debian bullseye main" >"$dir/sources.list"
  : >"$dir/status"
  apt_opts=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$dir/lists" -o "Dir::State::status=$dir/status"
    -o "Dir::Cache::Archives=$dir/archives" -o Debug::NoLocking=1 -o APT::Architectures=amd64)
  apt-get "${apt_opts[@]}" update -qq
  (cd "$dir" && apt-get "${apt_opts[@]}" download libc6 libgcc-s1 busybox-static 2>/dev/null)
  for deb in "$dir"/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
  mkdir -p "$dir/root/tmp" "$dir/root/var/task" "$dir/root/var/runtime" "$dir/root/opt"
  chmod 1777 "$dir/root/tmp"
  for applet in sh mv chmod cp rm mkdir ls cat env; do ln -sf busybox "$dir/root/bin/$applet"; done
  rm -rf "$dir/root/usr/share"
  tar -C "$dir/root" -c . | docker import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'WORKDIR /var/task' --message "stand-in for $base_image: Debian bullseye glibc 2.31 + busybox" \
    - "$base_image" >/dev/null
}
if docker image inspect "$base_image" >/dev/null 2>&1; then
  echo "using the local $base_image" >&2
elif timeout 60 docker pull -q "$base_image" >/dev/null 2>&1; then
  echo "pulled $base_image" >&2
else
  echo "$base_image cannot be pulled: making the stand-in" >&2
  standin_base
fi

echo "== network and moto" >&2
docker network create "$network" >/dev/null
gateway="$(docker network inspect -f '{{(index .IPAM.Config 0).Gateway}}' "$network")"
moto_port="$(free_port)"
"$venv_bin/python3" infra/moto_serial.py "$gateway" "$moto_port" >"$work/moto.log" 2>&1 &
pids+=($!)
endpoint="http://$gateway:$moto_port"
wait_for_port "$gateway" "$moto_port" "${pids[-1]}" 20 "$work/moto.log"

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=$region AWS_DEFAULT_REGION=$region
export SAM_CLI_TELEMETRY=0 TESSERA_TABLE=tessera TESSERA_BUCKET=tessera-blobs TESSERA_SECRET_PREFIX=tessera

echo "== bootstrap: table, bucket, signing identity, API token" >&2
pki="$work/pki"
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Test WWDR Intermediate/O=Tessera sam local" \
  -keyout "$pki/wwdr-key.pem" -out "$pki/wwdr.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$pki/private-key.pem" -out "$pki/request.csr" 2>/dev/null \
  -subj "/UID=$pass_type_id/CN=Pass Type ID: $pass_type_id/OU=$team_id/O=Tessera sam local/C=US"
openssl x509 -req -in "$pki/request.csr" -CA "$pki/wwdr.pem" -CAkey "$pki/wwdr-key.pem" -CAcreateserial \
  -days 2 -out "$pki/certificate.pem" 2>/dev/null
tessera=("$cli" --data-dir "$work/cli")
AWS_ENDPOINT_URL="$endpoint" "${tessera[@]}" aws bootstrap
AWS_ENDPOINT_URL="$endpoint" "${tessera[@]}" keys import --backend aws --pass-type-id "$pass_type_id" "$pki"
token="$(AWS_ENDPOINT_URL="$endpoint" "${tessera[@]}" tokens create --backend aws --name sam-local |
  grep -oE '^tess_[0-9a-f]+_[0-9a-f]+$' | head -n 1)"
[ -n "$token" ] || { echo "no API token was printed" >&2; exit 1; }

# SAM gives a function only the variables the template declares: these override them.
cat >"$work/env.json" <<JSON
{"Parameters": {"TESSERA_TABLE": "tessera", "TESSERA_BUCKET": "tessera-blobs", "TESSERA_SECRET_PREFIX": "tessera",
  "TESSERA_JOB_QUEUE_URL": "", "TESSERA_TIMER_FUNCTION_ARN": "", "TESSERA_TIMER_ROLE_ARN": "",
  "TESSERA_PUSHER": "record", "RUST_LOG": "info"}}
JSON
overrides="PublicUrl=$public_url EmulatorEndpoint=$endpoint TeamIdentifier=$team_id Architecture=x86_64"

echo "== sam local start-api" >&2
api_port="$(free_port)"
"$venv_bin/sam" local start-api --host 127.0.0.1 --port "$api_port" --region "$region" \
  --skip-pull-image --warm-containers LAZY --docker-network "$network" \
  --env-vars "$work/env.json" --parameter-overrides "$overrides" >"$work/sam.log" 2>&1 &
pids+=($!)
wait_for_port 127.0.0.1 "$api_port" "${pids[-1]}" 60 "$work/sam.log"

echo "== suite" >&2
status=0
"$venv_bin/python3" infra/sam_local_suite.py --base "http://127.0.0.1:$api_port" --public-url "$public_url" \
  --token "$token" --pass-type-id "$pass_type_id" --wwdr "$pki/wwdr.pem" --sam "$venv_bin/sam" \
  --sam-log "$work/sam.log" --network "$network" --env-vars "$work/env.json" --overrides "$overrides" \
  --icon tests/fixtures/passes/event-ticket/icon.png || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- sam local output" >&2; tail -n 80 "$work/sam.log" >&2
  echo "--- moto output" >&2; tail -n 20 "$work/moto.log" >&2
fi
exit "$status"
