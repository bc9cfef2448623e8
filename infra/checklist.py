"""The outcome of infra's end-to-end scripts (sam_local_suite.py, deploy_rehearsal.py): one
`ok`/`FAIL` line per check, then the count of failures, and the exit status."""

import sys
import time

FAILURES = []
STARTED = time.monotonic()


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        FAILURES.append(what)
    return condition


def finish():
    """Prints the failure count and the time taken, and exits 1 when any check failed."""
    print(f"\n{len(FAILURES)} failure(s) in {time.monotonic() - STARTED:.0f} s")
    sys.exit(1 if FAILURES else 0)
