"""Python names in generated code: each IDL file's module, the aliases under which a module
refers to the others, and the names of the classes made for each service.

A file's module is its ``namespace py`` when it has one, otherwise its file name without
``.thrift``; ``--package NAME`` puts every module under the package ``NAME``. A module refers to
a file it includes by the name IDL uses for it (as ``thrifthive.load`` binds it), and to any
other file whose types it uses (through an included typedef) by a private alias.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re

from thrifthive import _ir


class GenError(Exception):
    """The IDL cannot be generated as Python: the message says what to change."""


# Names every generated module binds for itself (see module.py).
RESERVED = frozenset({"annotations", "_typing", "_enum", "_uuid", "_th", "_builtins", "_self"})
BUILTINS = frozenset(dir(builtins))


@functools.cache
def is_identifier(name: str) -> bool:
    """Whether ``name`` can be a Python variable, attribute or parameter name."""
    return name.isidentifier() and not keyword.iskeyword(name)


def module_paths(files: list[_ir.File], package: str | None) -> dict[int, str]:
    """The dotted module path of every file; two files may not share one."""
    paths: dict[int, str] = {}
    owners: dict[str, str] = {}
    for i, f in enumerate(files):
        namespace = f["namespaces"].get("py")
        base = namespace if namespace else identifier(f["module"])
        path = f"{package}.{base}" if package else base
        for part in path.split("."):
            if not is_identifier(part):
                raise GenError(
                    f"{f['path']}: the module path {path!r} is not a valid Python module name: "
                    "change its `namespace py` (or --package)"
                )
        if path in owners:
            raise GenError(
                f"{f['path']} and {owners[path]} would both be the module {path!r}: give one "
                "of them another `namespace py`"
            )
        owners[path] = f["path"]
        paths[i] = path
    return paths


def identifier(stem: str) -> str:
    """A Python name for a file's IDL name (``my-types`` is ``my_types``)."""
    name = re.sub(r"\W", "_", stem)
    return f"_{name}" if name[:1].isdigit() or keyword.iskeyword(name) else name


def definitions(file: _ir.File) -> list[str]:
    """The names of the definitions of ``file``: its module's own names."""
    return [
        *(e["name"] for e in file["enums"]),
        *(s["name"] for s in file["structs"]),
        *(t["name"] for t in file["typedefs"]),
        *(c["name"] for c in file["consts"]),
        *(s["name"] for s in file["services"]),
    ]


def check_definitions(file: _ir.File) -> None:
    """Every definition of ``file`` needs a name Python can bind."""
    for name in definitions(file):
        if not is_identifier(name) or name in RESERVED:
            raise GenError(f"{file['path']}: {name!r} cannot be a name in Python: rename it")
    for struct in file["structs"]:
        for f in struct["fields"]:
            if f["name"].startswith("__") and f["name"].endswith("__"):
                raise GenError(
                    f"{file['path']}: {struct['name']}.{f['name']}: a field cannot be named like "
                    "a Python special attribute: rename it"
                )


def service_classes(file: _ir.File) -> dict[str, tuple[str, str, str, str]]:
    """For each service of ``file``, the names of its typed client, async client, handler and
    async handler Protocol: ``<Service>Client`` and so on, with ``_`` appended while taken."""
    taken = set(definitions(file))
    out: dict[str, tuple[str, str, str, str]] = {}
    for service in file["services"]:
        names = []
        for suffix in ("Client", "AsyncClient", "Handler", "AsyncHandler"):
            name = service["name"] + suffix
            while name in taken:
                name += "_"
            taken.add(name)
            names.append(name)
        out[service["name"]] = (names[0], names[1], names[2], names[3])
    return out


def parameter(name: str) -> str:
    """A parameter name for the IDL name ``name`` (``from`` becomes ``from_``)."""
    if is_identifier(name) and name != "self":
        return name
    return re.sub(r"\W", "_", name) + "_"


def include_aliases(files: list[_ir.File], index: int) -> dict[int, str]:
    """The names under which file ``index`` refers to the files it includes: their IDL names,
    as ``load()`` binds them. (``annotations.ModuleScope`` names any other file it uses.)"""
    return {k: identifier(files[k]["module"]) for k in files[index]["includes"]}
