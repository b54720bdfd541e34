"""Compiling Thrift IDL to the resolved IR.

:func:`compile` returns the IR as plain Python data (what ``thrifthive check --json`` prints) and
raises :class:`~thrifthive.ThriftParseError` when the IDL has errors; :func:`analyze` returns the
:class:`Compilation` itself, with every diagnostic (warnings included), and never raises for
problems in the IDL.

The IR is ``{"root": int, "files": [file, ...]}``: every file reached through includes, the one
compiled at index ``root``. A type reference names its definition by ``{"file", "index"}``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any

from thrifthive._native import Compilation, compile_idl, compile_idl_source

__all__ = ["Compilation", "analyze", "analyze_source", "compile", "compile_source"]

StrPath = str | os.PathLike[str]


def analyze(path: StrPath, include_dirs: Iterable[StrPath] | None = None) -> Compilation:
    """Compiles the IDL file at ``path`` and returns the outcome, errors and warnings included.

    Included files are looked up relative to the including file, then in ``include_dirs``.
    """
    return compile_idl(path, _dirs(include_dirs))


def analyze_source(
    text: str, name: str = "<string>", include_dirs: Iterable[StrPath] | None = None
) -> Compilation:
    """Like :func:`analyze` for IDL held in memory; ``name`` stands for its path."""
    return compile_idl_source(name, text, _dirs(include_dirs))


def compile(path: StrPath, include_dirs: Iterable[StrPath] | None = None) -> dict[str, Any]:
    """Compiles the IDL file at ``path`` to its resolved IR, as Python data.

    Raises :class:`~thrifthive.ThriftParseError` (with ``.diagnostics`` and ``.warnings``) when
    the file or a file it includes has errors.
    """
    return _ir(analyze(path, include_dirs))


def compile_source(
    text: str, name: str = "<string>", include_dirs: Iterable[StrPath] | None = None
) -> dict[str, Any]:
    """Like :func:`compile` for IDL held in memory; ``name`` stands for its path."""
    return _ir(analyze_source(text, name, include_dirs))


def _ir(compilation: Compilation) -> dict[str, Any]:
    ir: dict[str, Any] = json.loads(compilation.ir_json())
    return ir


def _dirs(include_dirs: Iterable[StrPath] | None) -> list[StrPath]:
    if isinstance(include_dirs, str | bytes):
        raise TypeError("include_dirs must be a list of directories, not a single string")
    return list(include_dirs or ())
