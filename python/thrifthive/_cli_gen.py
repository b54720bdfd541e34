"""``thrifthive gen`` and ``thrifthive stubs``: Python source from an IDL file.

``thrifthive gen FILE -o DIR [--package NAME] [-I DIR]...`` writes a typed package under DIR (a
module per IDL file; see ``thrifthive.gen``); ``thrifthive stubs FILE -o DIR [-I DIR]...`` writes
``.pyi`` files describing what ``thrifthive.load(FILE)`` returns. Files already in DIR are
overwritten, others left alone. Exit status: 0 when written, 1 when the IDL has errors or cannot
be written as Python (the message says what to change), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from thrifthive import gen
from thrifthive._native import ThriftParseError

EXIT_OK = 0
EXIT_INVALID = 1


def add_parser(commands: Any) -> None:
    package = commands.add_parser(
        "gen",
        help="generate a typed Python package from an IDL file",
        description="Write a Python package for FILE and the files it includes: a module per IDL "
        "file (its `namespace py`, or its file name), with annotated classes, typed clients and "
        "handler Protocols, behaving exactly like thrifthive.load()'s.",
    )
    _common(package)
    package.add_argument(
        "--package", metavar="NAME", help="put every module under the package NAME (a.b allowed)"
    )
    package.set_defaults(run=_gen)

    stubs = commands.add_parser(
        "stubs",
        help="write .pyi stubs describing what thrifthive.load(FILE) returns",
        description="Write a .pyi file per IDL file (x.thrift: x_thrift.pyi, named as load() "
        "names its modules), so that code using thrifthive.load() is type checked too.",
    )
    _common(stubs)
    stubs.set_defaults(run=_stubs)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the IDL file")
    parser.add_argument("-o", "--out", required=True, metavar="DIR", help="where to write")
    parser.add_argument(
        "-I",
        "--include-dir",
        dest="include_dirs",
        action="append",
        default=[],
        metavar="DIR",
        help="also look for included files in DIR (repeatable)",
    )


def _gen(args: argparse.Namespace) -> int:
    return _write("gen", args, lambda: gen.package(args.file, args.package, args.include_dirs))


def _stubs(args: argparse.Namespace) -> int:
    return _write("stubs", args, lambda: gen.stubs(args.file, args.include_dirs))


def _write(command: str, args: argparse.Namespace, make: Any) -> int:
    try:
        files: dict[str, str] = make()
    except ThriftParseError as e:
        sys.stderr.write(f"{e}\n")
        return EXIT_INVALID
    except (gen.GenError, FileNotFoundError) as e:
        sys.stderr.write(f"thrifthive {command}: {e}\n")
        return EXIT_INVALID
    gen.write(files, args.out)
    count = f"{len(files)} file" if len(files) == 1 else f"{len(files)} files"
    sys.stderr.write(f"thrifthive {command}: wrote {count} under {args.out}\n")
    return EXIT_OK
