"""The ``thrifthive`` command line.

``thrifthive check FILE... [-I DIR]... [--json] [--color WHEN]`` compiles each IDL file with the
Rust front end and prints its diagnostics rustc-style on stderr, then a summary line. A
diagnostic in a file reached from several of the given files is printed once. Exit status: 0
when every file is valid (warnings allowed), 1 when any has errors, 2 for a usage error.

With ``--json`` the resolved IR goes to stdout as one JSON document: for one file, its IR; for
several, an object mapping each path as given to its IR. Nothing is printed on stdout when any
file has errors.

The other commands live in ``_cli_*`` modules: ``call``, ``bench``, ``serve``, and ``gen`` and
``stubs`` (``_cli_gen``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from thrifthive import __version__, _cli_bench, _cli_call, _cli_gen, _cli_serve, idl

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_usage(sys.stderr)
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: a command is required\n")
    try:
        status: int = args.run(args)
    except BrokenPipeError:
        # The reader went away (`thrifthive check --json x | head`): not an error of ours. Point
        # stdout at devnull so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thrifthive", description="Thrift RPC for Python microservices, with a Rust core."
    )
    parser.add_argument("--version", action="version", version=f"thrifthive {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check Thrift IDL files and report problems",
        description="Compile Thrift IDL files and report every error and warning. Exit status: "
        "0 when all files are valid (warnings allowed), 1 when any has errors, 2 on bad usage.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="IDL files to check")
    check.add_argument(
        "-I",
        "--include-dir",
        dest="include_dirs",
        action="append",
        default=[],
        metavar="DIR",
        help="also look for included files in DIR (repeatable; searched in order, after the "
        "including file's own directory)",
    )
    check.add_argument(
        "--json",
        action="store_true",
        help="print the resolved IR as JSON on stdout (one file: its IR; several: an object "
        "keyed by path); nothing is printed when any file has errors",
    )
    check.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour diagnostics: auto (the default) colours only on a terminal, unless NO_COLOR "
        "is set",
    )
    check.set_defaults(run=_check)
    _cli_call.add_parser(commands)
    _cli_bench.add_parser(commands)
    _cli_serve.add_parser(commands)
    _cli_gen.add_parser(commands)
    return parser


def _check(args: argparse.Namespace) -> int:
    color = _use_color(args.color, sys.stderr)
    seen: set[tuple[str, str, int, int, str]] = set()
    errors = warnings = 0
    irs: dict[str, Any] = {}
    for path in args.files:
        compilation = idl.analyze(path, args.include_dirs)
        for d in compilation.diagnostics:
            key = (d.severity, d.file, d.line, d.column, d.message)
            if key in seen:
                continue
            seen.add(key)
            sys.stderr.write(d.render(color) + "\n")
            if d.is_error:
                errors += 1
            else:
                warnings += 1
        if args.json and not compilation.has_errors:
            irs[path] = json.loads(compilation.ir_json())

    files = _plural(len(args.files), "file")
    sys.stderr.write(
        f"checked {files}: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}\n"
    )
    if errors:
        return EXIT_INVALID
    if args.json:
        document = irs[args.files[0]] if len(args.files) == 1 else irs
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return EXIT_OK


def _use_color(when: str, stream: TextIO) -> bool:
    if when != "auto":
        return when == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
