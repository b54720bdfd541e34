"""``thrifthive call``: one call from the command line, the reply printed as JSON, like grpcurl.

``thrifthive call ADDR --idl FILE [-I DIR]... Service.method ['JSON args'] [--transport T]
[--protocol P] [--timeout S] [--service-name NAME]``

``thrifthive call ADDR health ['{"service": "Name"}']`` asks the health service every thrifthive
server answers (``thrifthive.health``; no IDL needed).

The arguments are a JSON object keyed by the IDL's parameter names, converted by their types
(see ``_cli_json``: enums by name or number, binary in base64, nested structs as objects). The
reply goes to stdout as JSON (``null`` for a void or oneway method). Exit status: 0 on a reply,
1 when the server raised one of the method's declared exceptions (printed on stdout as
``{"exception": "NotFound", "value": {...}}``), 2 for a usage error (bad IDL, unknown method,
JSON that does not fit), 3 when the call itself failed (the error goes to stderr).

The parsing of the target (ADDR, IDL, method, arguments) is shared with ``thrifthive bench``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NamedTuple

from thrifthive import ThriftParseError, health, load
from thrifthive._cli_json import args_from_json, to_json
from thrifthive.client import Client
from thrifthive.codec import MessageType, encode_message
from thrifthive.exceptions import TException, TProtocolException
from thrifthive.service import Method, Service

EXIT_OK = 0
EXIT_DECLARED = 1
EXIT_USAGE = 2
EXIT_FAILED = 3


class UsageError(Exception):
    """The command line does not name a callable method with fitting arguments."""


class Call(NamedTuple):
    service: Service
    method: Method
    args: object
    """The ``<method>_args`` struct."""
    request: bytes
    """The call message, encoded for ``--protocol`` (with seqid 0)."""


def add_parser(commands: Any) -> None:
    call = commands.add_parser(
        "call",
        help="call a method and print the reply as JSON",
        description="Call one method of a Thrift service and print the reply as JSON. Exit "
        "status: 0 on a reply, 1 for a declared exception (printed as JSON), 2 on bad usage, 3 "
        "when the call failed.",
    )
    add_target_arguments(call)
    call.add_argument(
        "--timeout", type=float, default=30.0, metavar="S", help="seconds (default 30)"
    )
    call.set_defaults(run=_run)


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments ``call`` and ``bench`` share."""
    parser.add_argument("address", metavar="ADDR", help="host:port, [::1]:port or unix:/path")
    parser.add_argument(
        "method",
        metavar="Service.method",
        help="the method to call, or `health` for the server's health service",
    )
    parser.add_argument(
        "json_args",
        nargs="?",
        default="{}",
        metavar="JSON",
        help="the arguments as a JSON object keyed by parameter name (default {})",
    )
    parser.add_argument("--idl", metavar="FILE", help="the service's IDL file (not for health)")
    parser.add_argument(
        "-I",
        "--include-dir",
        dest="include_dirs",
        action="append",
        default=[],
        metavar="DIR",
        help="also look for included files in DIR (repeatable)",
    )
    parser.add_argument(
        "--transport",
        choices=["buffered", "framed", "header", "http"],
        default=None,
        help="buffered by default; http for an http:// address",
    )
    parser.add_argument("--protocol", choices=["binary", "compact"], default="binary")
    parser.add_argument(
        "--service-name",
        metavar="NAME",
        help="multiplexed: send the method as NAME:method (Apache's TMultiplexedProtocol)",
    )


def resolve(args: argparse.Namespace) -> Call:
    """Loads the IDL and builds the call; raises :class:`UsageError`."""
    if args.method == "health":
        args.method, args.idl = "Health.check", "<built in>"
        args.service_name = args.service_name or health.SERVICE_NAME
        module: Any = health.module
    else:
        module = _load(args)
    service_name, _, method_name = args.method.rpartition(".")
    service = getattr(module, service_name, None)
    if not isinstance(service, Service):
        services = [n for n, v in vars(module).items() if isinstance(v, Service)]
        raise UsageError(f"{args.idl} has no service {service_name!r} (has {', '.join(services)})")
    method = service.methods.get(method_name)
    if method is None:
        raise UsageError(
            f"service {service_name} has no method {method_name!r} "
            f"(has {', '.join(service.methods)})"
        )
    name = f"{args.service_name}:{method.name}" if args.service_name else method.name
    kind = MessageType.ONEWAY if method.oneway else MessageType.CALL
    try:
        call_args = args_from_json(method.args, json.loads(args.json_args))
        # Encoding checks what JSON cannot: ranges, required fields.
        request = encode_message(name, kind, 0, call_args, args.protocol)
    except (TypeError, ValueError, OverflowError, TProtocolException) as e:
        raise UsageError(f"bad arguments for {args.method}: {e}") from None
    return Call(service, method, call_args, request)


def _load(args: argparse.Namespace) -> Any:
    if "." not in args.method.strip("."):
        raise UsageError(f"expected Service.method, got {args.method!r}")
    if args.idl is None:
        raise UsageError("--idl FILE is needed to call Service.method (all but `health`)")
    try:
        return load(args.idl, include_dirs=args.include_dirs)
    except (OSError, ThriftParseError) as e:
        raise UsageError(str(e)) from None


def usage_error(command: str, error: Exception) -> int:
    sys.stderr.write(f"thrifthive {command}: error: {error}\n")
    return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    try:
        call = resolve(args)
    except UsageError as e:
        return usage_error("call", e)
    method = call.method
    client = Client(
        call.service,
        args.address,
        transport=args.transport,
        protocol=args.protocol,
        timeout=args.timeout,
        service_name=args.service_name,
    )
    kwargs = {name: getattr(call.args, name) for _, name, *_ in method.args.__thrift_spec__}  # type: ignore[attr-defined]
    with client:
        try:
            reply = getattr(client, method.name)(**kwargs)
        except TException as e:
            if type(e) in method.throws.values():
                _print({"exception": type(e).__name__, "value": to_json(e)})
                return EXIT_DECLARED
            sys.stderr.write(f"thrifthive call: {type(e).__name__}: {e}\n")
            return EXIT_FAILED
    _print(to_json(reply))
    return EXIT_OK


def _print(document: object) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
