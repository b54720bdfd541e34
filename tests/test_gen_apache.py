"""Generated and loaded modules agree on Apache's test IDLs (ThriftTest.thrift and
DebugProtoTest.thrift, every shape of type, default and const they hold): for every struct the
same field specs, annotations and default instance (same bytes), for every const the same value,
for every service the same methods."""

from __future__ import annotations

import enum
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive import gen

from .support import APACHE_IDL

NAMES = ["ThriftTest", "DebugProtoTest"]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("apache")
    for name in NAMES:
        gen.write(gen.package(APACHE_IDL / "test" / f"{name}.thrift", "gen_apache"), root)
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))
    for module in [m for m in sys.modules if m.partition(".")[0] == "gen_apache"]:
        del sys.modules[module]


def _pair(name: str) -> tuple[ModuleType, ModuleType]:
    generated = importlib.import_module(f"gen_apache.{name}")
    return generated, thrifthive.load(APACHE_IDL / "test" / f"{name}.thrift")


def _normalized(value: object, generated: ModuleType, loaded: ModuleType) -> str:
    return repr(value).replace(generated.__name__ + ".", "").replace(loaded.__name__ + ".", "")


def _canonical(value: Any) -> object:
    """``value`` as plain data, classes by name, containers by kind: equal for a generated and a
    loaded value that are the same (sets in any order)."""
    kind = type(value).__name__
    if hasattr(value, "__thrift_spec__"):
        return (kind, tuple(_canonical(getattr(value, f[1])) for f in value.__thrift_spec__))
    if isinstance(value, list | tuple):
        return (kind, tuple(map(_canonical, value)))
    if isinstance(value, set | frozenset):
        return (kind, frozenset(map(_canonical, value)))
    if isinstance(value, dict):
        return (kind, frozenset((_canonical(k), _canonical(v)) for k, v in value.items()))
    if isinstance(value, enum.Enum):
        return (kind, value.value)
    return value


@pytest.mark.parametrize("name", NAMES)
def test_every_struct_matches(root: Path, name: str) -> None:
    generated, loaded = _pair(name)
    structs = [
        n for n, v in vars(loaded).items() if isinstance(v, type) and hasattr(v, "__thrift_spec__")
    ]
    assert len(structs) > 10
    for struct in structs:
        made, reference = getattr(generated, struct), getattr(loaded, struct)
        for attribute in ("__thrift_spec__", "__annotations__"):
            mine = _normalized(getattr(made, attribute), generated, loaded)
            assert mine == _normalized(getattr(reference, attribute), generated, loaded), struct
        try:
            data = thrifthive.dumps(made(), "compact")
        except thrifthive.exceptions.TProtocolException:
            continue  # a required field without a default: nothing to compare
        assert data == thrifthive.dumps(reference(), "compact"), struct
        assert thrifthive.loads(reference, data, "compact") == reference(), struct


@pytest.mark.parametrize("name", NAMES)
def test_every_const_and_service_matches(root: Path, name: str) -> None:
    generated, loaded = _pair(name)
    consts = [
        n
        for n, v in vars(loaded).items()
        if not n.startswith("__") and not isinstance(v, type | ModuleType | thrifthive.Service)
    ]
    assert consts
    for const in consts:
        mine, theirs = getattr(generated, const), getattr(loaded, const)
        assert _canonical(mine) == _canonical(theirs), const
    for service in [v for v in vars(loaded).values() if isinstance(v, thrifthive.Service)]:
        made = getattr(generated, service.name)
        assert list(made.methods) == list(service.methods)
        for method, reference in service.methods.items():
            args: Any = made.methods[method].args
            reference_args: Any = reference.args
            assert _normalized(args.__thrift_spec__, generated, loaded) == _normalized(
                reference_args.__thrift_spec__, generated, loaded
            )
