#!/usr/bin/env python3
"""Tessera's Lambdas under `sam local`, end to end (run by infra/sam-local.sh, which starts
`sam local start-api`, moto and the bootstrap; see that script).

- management: template -> pass -> download (ZIP, manifest hashes, and the signature checked
  by the openssl CLI against the test WWDR) -> update -> list -> public link;
- device: register -> updated serials -> latest pass, then 304 -> unregister;
- the push dispatcher under `sam local invoke`, fed `sam local generate-event dynamodb update`
  edited into the pass's real change: it answers an empty partial-batch failure list and its
  log shows the push it recorded;
- a function with no trust store and no reachable AWS (the stand-in image has no CA bundle;
  the endpoint is AWS's own, which nothing here reaches) still answers a route that needs
  neither;
- prints each function's init and first-request duration from the emulator's REPORT lines.

Standard library only; talks to 127.0.0.1 and runs the sam CLI.
"""

import argparse
import base64
import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from checklist import check, finish

ARGS = None


def call(method, path, body=None, headers=None, auth=True):
    """One request to the API under sam local: (status, headers, bytes)."""
    url = path if path.startswith("http") else ARGS.base + path
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if auth:
        request.add_header("Authorization", f"Bearer {ARGS.token}")
        request.add_header("Api-Revision", "1.2")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def call_json(method, path, body=None, expect=200, **kwargs):
    status, _, raw = call(method, path, body, **kwargs)
    check(status == expect, f"{method} {path} answers {expect} (got {status}: {raw[:300]!r})")
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return {}


def local(url):
    """A URL Tessera handed out (under its public URL), as served here."""
    return ARGS.base + url[len(ARGS.public_url):] if url.startswith(ARGS.public_url) else url


def verify_pkpass(raw, what):
    """The archive's manifest names every file with its SHA-1, and the signature verifies."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        return check(False, f"{what} is a ZIP archive")
    names = set(archive.namelist())
    if not check({"pass.json", "manifest.json", "signature"} <= names, f"{what} has pass.json, manifest.json, signature"):
        return None
    manifest = json.loads(archive.read("manifest.json"))
    hashed = {name: hashlib.sha1(archive.read(name)).hexdigest() for name in names - {"manifest.json", "signature"}}
    check(manifest == hashed, f"{what}'s manifest lists every file with its SHA-1")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "manifest.json").write_bytes(archive.read("manifest.json"))
        Path(folder, "signature").write_bytes(archive.read("signature"))
        verified = subprocess.run(
            ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", f"{folder}/signature",
             "-content", f"{folder}/manifest.json", "-CAfile", ARGS.wwdr, "-purpose", "any", "-out", "/dev/null"],
            capture_output=True, text=True)
        check(verified.returncode == 0, f"openssl verifies {what}'s signature ({verified.stderr.strip()[:200]})")
    return json.loads(archive.read("pass.json"))


def sam_invoke(function, event, overrides, network):
    """`sam local invoke`: (exit code, the function's answer, everything it logged)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(event, file)
    command = [ARGS.sam, "local", "invoke", function, "--event", file.name, "--skip-pull-image",
               "--docker-network", network, "--env-vars", ARGS.env_vars, "--region", "us-east-1",
               "--parameter-overrides", overrides]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        os.unlink(file.name)
    answer = None
    for line in reversed(done.stdout.strip().splitlines()):
        try:
            answer = json.loads(line)
            break
        except ValueError:
            continue
    return done.returncode, answer, done.stdout + done.stderr


def management_flow(icon):
    template = call_json("POST", "/v1/template", {
        "name": "sam local tickets", "description": "Tickets served by sam local", "vendor": "apple",
        "type": "eventTicket", "passTypeIdentifier": ARGS.pass_type_id, "organizationName": "Tessera sam local",
        "headers": {
            "logo_text": {"value": "sam local"},
            "background_color": {"value": "#3c414c"},
            "foreground_color": {"value": "#ffffff"},
            "barcode_type": {"value": "PKBarcodeFormatQR"},
            "barcode_value": {"value": "TICKET-1"},
            "icon_image": {"value": "data:image/png;base64," + base64.b64encode(icon).decode()},
        },
        "fields": {
            "Event": {"fieldType": "primary", "label": "EVENT", "value": "The Tour"},
            "Seat": {"fieldType": "auxiliary", "label": "SEAT", "value": "12", "changeMessage": "Seat %@"},
        },
    })
    template_id = template.get("id")
    check(isinstance(template_id, int), f"the template has an id ({template_id})")
    created = call_json("POST", f"/v1/pass/{template_id}",
                        {"fields": {"Seat": {"value": "14"}}, "publicUrl": {"type": "multiple"}})
    pass_id, serial = created.get("id"), created.get("serialNumber")
    check(isinstance(pass_id, int) and bool(serial), f"the pass has an id and a serial ({pass_id}, {serial})")

    status, headers, raw = call("GET", f"/v1/pass/{pass_id}/download")
    check(status == 200 and headers.get("Content-Type") == "application/vnd.apple.pkpass",
          f"the download is a .pkpass ({status}, {headers.get('Content-Type')})")
    signed = verify_pkpass(raw, "the downloaded pass") or {}
    check(signed.get("serialNumber") == serial and signed.get("passTypeIdentifier") == ARGS.pass_type_id,
          "pass.json carries the pass's serial and pass type")
    seat = [f for f in signed.get("eventTicket", {}).get("auxiliaryFields", []) if f.get("key") == "Seat"]
    check(seat and seat[0].get("value") == "14", f"pass.json shows the pass's own seat ({seat})")

    call_json("PUT", f"/v1/pass/{pass_id}", {"fields": {"Seat": {"value": "15"}}})
    fetched = call_json("GET", f"/v1/pass/{pass_id}")
    check(fetched.get("fields", {}).get("Seat", {}).get("value") == "15", "the update is read back")
    listed = call_json("GET", f"/v1/pass?templateId={template_id}")
    ids = [p.get("id") for p in listed.get("passes", [])]
    check(pass_id in ids, f"the list has the pass ({ids})")

    link = created.get("publicUrl", {}).get("path", "")
    check(link.startswith(ARGS.public_url), f"the public link is under the public URL ({link})")
    status, _, raw = call("GET", local(link), auth=False)
    check(status == 200, f"the public link serves the pass ({status})")
    public = verify_pkpass(raw, "the public link's pass") or {}
    seat = [f for f in public.get("eventTicket", {}).get("auxiliaryFields", []) if f.get("key") == "Seat"]
    check(seat and seat[0].get("value") == "15", "the public link serves the updated pass")
    return pass_id, serial, signed.get("authenticationToken", "")


def device_flow(pass_id, serial, token):
    device, push_token = "sam-local-device-0001", "a" * 64
    registration = f"/v1/devices/{device}/registrations/{ARGS.pass_type_id}/{serial}"
    apple = {"Authorization": f"ApplePass {token}"}
    status, _, raw = call("POST", registration, {"pushToken": push_token}, headers=apple, auth=False)
    check(status == 201, f"a device registers ({status} {raw[:200]!r})")
    serials = call_json("GET", f"/v1/devices/{device}/registrations/{ARGS.pass_type_id}", auth=False)
    check(serial in serials.get("serialNumbers", []) and bool(serials.get("lastUpdated")),
          f"the device's serials list the pass ({serials})")

    latest = f"/v1/passes/{ARGS.pass_type_id}/{serial}"
    status, headers, raw = call("GET", latest, headers=apple, auth=False)
    check(status == 200, f"the latest pass is served ({status})")
    verify_pkpass(raw, "the latest pass")
    modified = headers.get("Last-Modified", "")
    check(bool(modified), "the latest pass has Last-Modified")
    status, _, _ = call("GET", latest, headers={**apple, "If-Modified-Since": modified}, auth=False)
    check(status == 304, f"an unchanged pass answers 304 ({status})")
    status, _, _ = call("GET", latest, auth=False)
    check(status == 401, f"the latest pass needs the pass's token ({status})")

    dispatcher(pass_id)

    status, _, _ = call("DELETE", registration, headers=apple, auth=False)
    check(status == 200, f"the device unregisters ({status})")
    serials_after = call("GET", f"/v1/devices/{device}/registrations/{ARGS.pass_type_id}", auth=False)[0]
    check(serials_after == 204, f"no serials once unregistered ({serials_after})")


def dispatcher(pass_id):
    generated = subprocess.run([ARGS.sam, "local", "generate-event", "dynamodb", "update"],
                               capture_output=True, text=True, check=True)
    event = json.loads(generated.stdout)
    record = event["Records"][0]
    record["eventName"] = "MODIFY"
    record["dynamodb"]["Keys"] = {"pk": {"S": f"PASS#{pass_id}"}, "sk": {"S": "PASS"}}
    record["dynamodb"]["OldImage"] = {"pk": {"S": f"PASS#{pass_id}"}, "ver": {"N": "1"}}
    record["dynamodb"]["NewImage"] = {"pk": {"S": f"PASS#{pass_id}"}, "ver": {"N": "2"}}
    event["Records"] = [record]
    code, answer, output = sam_invoke("PushDispatcherFunction", event, ARGS.overrides, ARGS.network)
    check(code == 0 and answer == {"batchItemFailures": []},
          f"the dispatcher answers an empty partial-batch failure list ({code}, {answer})")
    check("push (recorded, not sent)" in output and re.search(r'"delivered":\s*1', output) is not None,
          "the dispatcher pushed the registered device (recorded)")
    check("a" * 64 not in output, "the push token is not in the dispatcher's log")


def without_trust_store_or_network():
    """AWS's own endpoints over TLS, with no CA bundle in the image and no route out."""
    overrides = re.sub(r"EmulatorEndpoint=\S+", "EmulatorEndpoint=", ARGS.overrides)
    event = {"version": "2.0", "routeKey": "GET /openapi.json", "rawPath": "/openapi.json", "rawQueryString": "",
             "headers": {"host": "127.0.0.1"}, "isBase64Encoded": False,
             "requestContext": {"http": {"method": "GET", "path": "/openapi.json", "protocol": "HTTP/1.1",
                                         "sourceIp": "127.0.0.1", "userAgent": "sam-local-suite"},
                                "routeKey": "GET /openapi.json", "stage": "$default", "requestId": "suite"}}
    code, answer, output = sam_invoke("OpenapiFunction", event, overrides, ARGS.network)
    status = (answer or {}).get("statusCode")
    check(code == 0 and status == 200, f"a function without trust store or network serves /openapi.json ({code}, {status})")
    check("panicked" not in output, "and nothing panicked")


def cold_starts():
    """Each function's init (its own `ready` log line: settings, clients, the warmed DynamoDB
    connection) and its first request (the emulator's REPORT duration, which includes
    starting the process, less that init)."""
    log = Path(ARGS.sam_log).read_text(errors="replace")
    print("\n| function | init (ms) | first request (ms) |\n|---|---:|---:|")
    seen = set()
    pattern = (r"Mounting \S+/target/lambda/(\w+) as /var/task.*?\"init_ms\":([\d.]+).*?"
               r"REPORT RequestId: \S+\s+(?:Init Duration: [\d.]+ ms\s+)?Duration: ([\d.]+) ms")
    for match in re.finditer(pattern, log, re.S):
        name, init, duration = match.group(1), float(match.group(2)), float(match.group(3))
        if name not in seen:
            seen.add(name)
            print(f"| {name} | {init:.1f} | {max(duration - init, 0):.1f} |")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    for option in ["--base", "--public-url", "--token", "--pass-type-id", "--wwdr", "--sam", "--sam-log",
                   "--network", "--env-vars", "--overrides", "--icon"]:
        parser.add_argument(option, required=True)
    ARGS = parser.parse_args()
    check(call("GET", "/openapi.json", auth=False)[0] == 200, "GET /openapi.json through API Gateway's emulation")
    pass_id, serial, token = management_flow(Path(ARGS.icon).read_bytes())
    if token:
        device_flow(pass_id, serial, token)
    else:
        check(False, "the signed pass has an authenticationToken")
    without_trust_store_or_network()
    cold_starts()
    finish()


if __name__ == "__main__":
    main()
