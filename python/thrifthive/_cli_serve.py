"""``thrifthive serve``: runs a :class:`thrifthive.Server` found by import path.

``thrifthive serve module:attr [--host HOST] [--port PORT] [--workers N] [--handler-threads N]
[--io-threads N]``

``attr`` is a ``Server``, or a callable returning one (a factory, called with no arguments).
The current directory is importable, as with ``python -m``. The options override the server's
own settings. It serves until SIGINT or SIGTERM, then stops gracefully. Exit status: 0 after a
clean stop, 2 when the target cannot be found or is not a server.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Any

from thrifthive.server import Server

EXIT_OK = 0
EXIT_USAGE = 2


def add_parser(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="run a thrifthive.Server from an import path",
        description="Run the Server found at module:attr (a Server, or a function returning "
        "one) until SIGINT or SIGTERM.",
    )
    serve.add_argument("target", metavar="MODULE:ATTR", help="e.g. myapp.server:server")
    serve.add_argument("--host", help="the address to listen on")
    serve.add_argument("--port", type=int, help="the TCP port (0: a free one)")
    serve.add_argument("--workers", type=int, help="processes sharing the port")
    serve.add_argument(
        "--handler-threads",
        type=int,
        help="Python threads running plain methods (0: run them on the IO threads, for "
        "handlers that never block)",
    )
    serve.add_argument("--io-threads", type=int, help="threads doing the socket IO")
    serve.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        server = _find(args.target)
        if args.host is not None:
            server.host = args.host
        if args.port is not None:
            server.port = args.port
        if args.workers is not None:
            server.workers = args.workers
        if args.handler_threads is not None:
            if args.handler_threads < 0:
                raise ValueError(f"--handler-threads must be 0 or more, got {args.handler_threads}")
            server.handler_threads = args.handler_threads
        if args.io_threads is not None:
            server.io_threads = args.io_threads
    except (ImportError, AttributeError, TypeError, ValueError) as e:
        print(f"thrifthive serve: {e}", file=sys.stderr)
        return EXIT_USAGE
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        server.serve()
    except ValueError as e:  # settings that cannot be served, e.g. workers > 1 on port 0
        print(f"thrifthive serve: {e}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _find(target: str) -> Server:
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"expected MODULE:ATTR, got {target!r}")
    if "" not in sys.path:
        sys.path.insert(0, "")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not isinstance(obj, Server) and callable(obj):
        obj = obj()
    if not isinstance(obj, Server):
        raise TypeError(f"{target} is not a thrifthive.Server (got {type(obj).__name__})")
    return obj
