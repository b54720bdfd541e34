"""``thrifthive bench``: load on one method from the Rust load generator.

``thrifthive bench ADDR --idl FILE Service.method ['JSON args'] -c CONNECTIONS -d SECONDS
[--transport T] [--protocol P] [--service-name NAME]``

The call is encoded once (``encode_message``); then ``_native.bench`` keeps CONNECTIONS
connections busy in a closed loop for SECONDS, with the GIL released, while a progress line
(calls/s over the last second) is rewritten on stderr once a second. The report goes to stdout:
calls/s, latency percentiles, errors by kind. Exit status: 0 when calls succeeded, 1 when none
did, 2 on bad usage, 3 when the connections could not be opened, 130 on Ctrl-C (which
stops the run within a second).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from thrifthive import _native
from thrifthive._cli_call import EXIT_FAILED, UsageError, add_target_arguments, resolve, usage_error
from thrifthive.exceptions import TException

EXIT_OK = 0
EXIT_NO_CALLS = 1
EXIT_INTERRUPTED = 130


def add_parser(commands: Any) -> None:
    bench = commands.add_parser(
        "bench",
        help="load a server with one method and report calls/s and latency",
        description="Call one method over CONNECTIONS connections in a closed loop for SECONDS "
        "(a Rust load generator) and report calls/s, latency percentiles and errors.",
    )
    add_target_arguments(bench)
    bench.add_argument(
        "-c", "--connections", type=int, default=8, metavar="N", help="connections (default 8)"
    )
    bench.add_argument(
        "-d", "--duration", type=float, default=10.0, metavar="S", help="seconds (default 10)"
    )
    bench.add_argument(
        "--timeout", type=float, default=None, metavar="S", help="per call, in seconds"
    )
    bench.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        call = resolve(args)
        if args.connections < 1 or args.duration <= 0:
            raise UsageError("--connections and --duration must be positive")
    except UsageError as e:
        return usage_error("bench", e)
    live = sys.stderr.isatty()

    def progress(elapsed: float, calls: int, errors: int, calls_per_sec: float) -> None:
        line = f"{elapsed:5.1f} s  {calls} calls  {calls_per_sec:,.0f} calls/s  {errors} errors"
        sys.stderr.write(f"\r\x1b[K{line}" if live else f"{line}\n")
        sys.stderr.flush()

    try:
        report = _native.bench(
            args.address,
            call.request,
            connections=args.connections,
            duration=args.duration,
            transport=args.transport
            or ("http" if args.address.startswith("http://") else "buffered"),
            protocol=args.protocol,
            timeout=args.timeout,
            progress=progress,
        )
    except TException as e:
        sys.stderr.write(f"thrifthive bench: {type(e).__name__}: {e}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:  # raised by the progress callback; the run is dropped
        sys.stderr.write("\nthrifthive bench: interrupted\n")
        return EXIT_INTERRUPTED
    finally:
        if live:
            sys.stderr.write("\n")
    sys.stdout.write(f"{args.method} on {args.address}, {args.connections} connection(s)\n")
    sys.stdout.write(f"{report}\n")
    return EXIT_OK if report.calls else EXIT_NO_CALLS
