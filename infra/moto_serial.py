"""moto_server serving one request at a time.

DynamoDB applies each conditional write atomically; moto's stock server handles requests on
many threads without locking its backends, so two racing conditional writes can both pass
their check. Serving requests one by one restores the per-request atomicity the store tests
rely on (100 racing link consumers, 20 racing updaters).

Usage: python moto_serial.py HOST PORT
"""

import os
import signal
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, app, threaded=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
