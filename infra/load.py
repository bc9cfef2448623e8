#!/usr/bin/env python3
"""A small load test of a running Tessera: latency of create-pass and download.

    infra/load.py --base http://127.0.0.1:8080 --key keyId:secret [--requests 400] [--concurrency 4]

Creates one template, then POSTs passes from it and downloads each new pass, from
`--concurrency` threads, and prints p50/p90/p99/max per operation. Loopback only: it refuses
any other host. Standard library only.
"""

import argparse
import base64
import json
import statistics
import struct
import sys
import threading
import time
import urllib.parse
import urllib.request
import zlib

def solid_png(width, height, rgb):
    """A valid RGB PNG of one color."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


ICON = solid_png(58, 58, (60, 65, 76))


def request(base, auth, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    req.add_header("Api-Revision", "1.2")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as response:
        payload = response.read()
    return time.perf_counter() - started, payload


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--key", required=True, help="keyId:secret")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("load tests only target this machine (127.0.0.1)")
    if not 1 <= args.requests <= 20000 or not 1 <= args.concurrency <= 64:
        sys.exit("--requests 1..20000, --concurrency 1..64")

    template = {
        "name": "Load test", "type": "eventTicket", "passTypeIdentifier": "pass.dev.tessera.load",
        "headers": {"barcode_type": {"value": "QR"}, "barcode_value": {"value": "LOAD"},
                    "icon_image": {"value": "data:image/png;base64," + base64.b64encode(ICON).decode()}},
        "fields": {"Event": {"fieldType": "primary", "label": "EVENT", "value": "Load"},
                   "Seat": {"fieldType": "auxiliary", "label": "SEAT", "value": "1"}},
    }
    _, payload = request(args.base, args.key, "POST", "/v1/template", template)
    template_id = json.loads(payload)["id"]
    request(args.base, args.key, "POST", f"/v1/pass/{template_id}", {})  # warm-up: identity, assets

    timings = {"create pass": [], "download": []}
    lock = threading.Lock()
    counter = iter(range(args.requests))
    errors = []

    def worker():
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            try:
                took, payload = request(args.base, args.key, "POST", f"/v1/pass/{template_id}",
                                        {"fields": {"Seat": {"value": str(n)}}})
                pass_id = json.loads(payload)["id"]
                took_download, _ = request(args.base, args.key, "GET", f"/v1/pass/{pass_id}/download")
                with lock:
                    timings["create pass"].append(took)
                    timings["download"].append(took_download)
            except Exception as e:  # keep going; report at the end
                with lock:
                    errors.append(repr(e))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started

    print(f"{args.requests} create+download pairs, concurrency {args.concurrency}, {elapsed:.1f} s")
    for name, values in timings.items():
        if not values:
            continue
        ms = [v * 1000 for v in values]
        print(f"  {name:12} p50 {percentile(ms, 50):6.2f} ms  p90 {percentile(ms, 90):6.2f} ms  "
              f"p99 {percentile(ms, 99):6.2f} ms  max {max(ms):6.2f} ms  mean {statistics.mean(ms):6.2f} ms  "
              f"({len(values) / elapsed:.0f}/s)")
    if errors:
        print(f"{len(errors)} errors, first: {errors[0]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
