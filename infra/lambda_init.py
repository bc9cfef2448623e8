#!/usr/bin/env python3
"""Init time of a Lambda binary: from process start to its first request for an event.

    infra/lambda_init.py target/release/get_pass [--runs 10]

Serves a minimal Lambda runtime API on 127.0.0.1 (only GET /invocation/next, which it never
answers), starts the binary with the environment Lambda would give it (the AWS clients are built; the
DynamoDB connection the function opens during init goes to this same loopback server, which
refuses the call at once), and prints the median and worst time until that first request.
Standard library only; loopback only.
"""

import argparse
import http.server
import os
import statistics
import subprocess
import sys
import threading
import time

first_request = threading.Event()


class Runtime(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.endswith("/runtime/invocation/next"):
            first_request.set()
            time.sleep(2)  # hold the request; the run is measured already
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ)
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
        "AWS_LAMBDA_FUNCTION_NAME": "init-test", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_VERSION": "1", "AWS_LAMBDA_LOG_STREAM_NAME": "s", "AWS_LAMBDA_LOG_GROUP_NAME": "g",
        "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "TESSERA_PUBLIC_URL": "https://wallet.example.com", "TESSERA_TABLE": "t", "TESSERA_BUCKET": "b",
        "TESSERA_AWS_ENDPOINT": f"http://127.0.0.1:{server.server_address[1]}",
        "RUST_LOG": "warn",
    })
    times = []
    for _ in range(max(1, min(args.runs, 50))):
        first_request.clear()
        started = time.perf_counter()
        process = subprocess.Popen([args.binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not first_request.wait(10):
            process.kill()
            sys.exit("the binary never asked for an event")
        times.append((time.perf_counter() - started) * 1000)
        process.kill()
        process.wait()
    print(f"{args.binary}: init to first /next request: median {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms over {len(times)} runs")


if __name__ == "__main__":
    main()
