"""Loading IDL text in tests under fresh module names, unregistered again afterwards."""

from __future__ import annotations

import itertools
import sys
import types
from pathlib import Path

import thrifthive

_numbers = itertools.count()


class SourceLoader:
    """``loader(text)`` is ``thrifthive.load_source(text, <a new name>)``; ``close()`` takes the
    names it registered out of ``sys.modules``."""

    def __init__(self) -> None:
        self._names: list[str] = []

    def __call__(self, text: str, include_dirs: list[Path] | None = None) -> types.ModuleType:
        name = f"thrifthive_test_{next(_numbers)}_thrift"
        self._names.append(name)
        return thrifthive.load_source(text, name, include_dirs=include_dirs)

    def close(self) -> None:
        for name in self._names:
            sys.modules.pop(name, None)
