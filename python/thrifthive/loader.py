"""Loading IDL at run time: :func:`load` and :func:`load_source` turn IDL into modules.

A loaded module holds, under their IDL names: a class per struct, union and exception (see
``_classes`` for how instances behave), an :class:`enum.IntEnum` per enum, the consts as Python
values (see ``_values``), each typedef bound to its Python type (a loaded class, or ``int``,
``str``, ``bytes``, ``list``, ``dict``, ...), and a :class:`~thrifthive.service.Service` per
service. Each included file is a module of its own, an attribute named as IDL refers to it
(``svc.shared.SharedStruct``). A module's ``__thrift_file__`` is the path of its IDL file.

Module names: the module of ``x.thrift`` is named ``x_thrift`` (as thriftpy2 names it) unless
``module_name`` names it; the modules of its includes are named the same way, in the package of
the root's name (loading ``svc.thrift`` as ``app.svc_thrift`` names its include ``shared.thrift``
``app.shared_thrift``).

Caching: each file is loaded once per set of include directories (the key is its resolved
absolute path and theirs), then its module is reused: loading it again, or loading another file
that includes it, gives the same module and the same classes. A file edited after it was loaded
is not read again.

Registration: with ``module_name``, :func:`load` puts the module in :data:`sys.modules` under
that name, and under its own name and its includes' names too, so that instances pickle (pickle
finds a class by its ``__module__``). :func:`load_source` always does, under ``name``. A
module's own name is the one it got when first loaded, so a file loaded first without
``module_name`` keeps the default name and is registered under both.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import re
import sys
import threading
import types
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import cast

from thrifthive import idl
from thrifthive._builder import FileObjects, ProgramBuilder
from thrifthive._ir import Program

StrPath = str | os.PathLike[str]
# (file's resolved path, or a source's name; None for a file, or a source's text; include dirs)
_Key = tuple[str, str | None, tuple[str, ...]]

_lock = threading.RLock()
_loaded: dict[_Key, FileObjects] = {}


def load(
    path: StrPath, module_name: str | None = None, include_dirs: Iterable[StrPath] | None = None
) -> types.ModuleType:
    """Loads the IDL file at ``path`` (and what it includes) as a module.

    Included files are looked up relative to the including file, then in ``include_dirs``.
    Raises :class:`FileNotFoundError` when there is no file at ``path`` and
    :class:`~thrifthive.ThriftParseError` when the IDL has errors.
    """
    dirs = _resolve_dirs(include_dirs)
    resolved = Path(path).resolve()
    if not resolved.is_file():
        raise FileNotFoundError(errno.ENOENT, "no Thrift IDL file at this path", os.fspath(path))
    with _lock, _gc_paused():
        key: _Key = (str(resolved), None, dirs)
        objects = _loaded.get(key)
        if objects is None:
            # The resolved path, like the key: includes are found relative to the real file.
            program = cast(Program, idl.compile(resolved, dirs))
            root = program["files"][program["root"]]
            objects = _build(program, key, module_name or _default_name(root["module"]))
        if module_name:
            _register(objects, module_name)
        return objects.module


def load_source(
    text: str, name: str, include_dirs: Iterable[StrPath] | None = None
) -> types.ModuleType:
    """Loads IDL held in a string as a module named ``name``, registered in :data:`sys.modules`.

    Its includes are looked up relative to the current directory, then in ``include_dirs``.
    The same text under the same name gives the same module.
    """
    dirs = _resolve_dirs(include_dirs)
    with _lock, _gc_paused():
        key: _Key = (name, text, dirs)
        objects = _loaded.get(key)
        if objects is None:
            program = cast(Program, idl.compile_source(text, f"<{name}>", dirs))
            objects = _build(program, key, name)
        _register(objects, name)
        return objects.module


def _build(program: Program, root_key: _Key, root_name: str) -> FileObjects:
    """Builds the modules of the files of ``program`` not loaded yet and caches them."""
    keys = {
        i: root_key if i == program["root"] else (str(Path(f["path"]).resolve()), None, root_key[2])
        for i, f in enumerate(program["files"])
    }
    reused = {i: _loaded[key] for i, key in keys.items() if key in _loaded}
    package, _, _ = root_name.rpartition(".")
    names = {
        i: root_name if i == program["root"] else _default_name(f["module"], package)
        for i, f in enumerate(program["files"])
        if i not in reused
    }
    objects = ProgramBuilder(program, reused, names).build()
    for i, key in keys.items():
        _loaded.setdefault(key, objects[i])
    return objects[program["root"]]


def _register(objects: FileObjects, name: str) -> None:
    """Registers a loaded module under ``name``, and it and every module it includes under
    their own names.

    ``name`` replaces whatever was registered under it, as asked; for the other names, refuses
    to replace a different module: the classes of one of the two would stop pickling.
    """
    reached: list[FileObjects] = []
    pending = [objects]
    while pending:
        current = pending.pop()
        own_name = current.module.__name__
        registered = sys.modules.get(own_name, current.module)
        if registered is not current.module and not (current is objects and own_name == name):
            raise ValueError(
                f"cannot register the module of {current.path} as {own_name!r}: that name is "
                f"taken by {registered!r}; load the root file with a module_name in another "
                "package"
            )
        reached.append(current)
        pending.extend(current.includes)
    sys.modules[name] = objects.module
    for current in reached:
        sys.modules[current.module.__name__] = current.module


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector: loading allocates many objects (the IR, classes)
    and would otherwise trigger full collections that take longer than the load itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _default_name(file_module: str, package: str = "") -> str:
    name = re.sub(r"\W", "_", file_module) + "_thrift"
    return f"{package}.{name}" if package else name


def _resolve_dirs(include_dirs: Iterable[StrPath] | None) -> tuple[str, ...]:
    if isinstance(include_dirs, str | bytes):
        raise TypeError("include_dirs must be a list of directories, not a single string")
    return tuple(str(Path(d).resolve()) for d in include_dirs or ())
