"""Generating leaves no reference cycles behind: the IR of a large IDL is millions of objects,
and a cycle holding it (a recursive closure over it, say) would keep it alive until a full
collection walked all of it, which once doubled the generator's time on bench/gen.py's IDL."""

from __future__ import annotations

import gc
import inspect
from collections.abc import Iterator

import pytest

from thrifthive import gen

from .support import APACHE_IDL

IDL = APACHE_IDL / "test" / "DebugProtoTest.thrift"


def _ours(obj: object) -> bool:
    if inspect.isfunction(obj):
        return obj.__module__.startswith("thrifthive.gen")
    return type(obj).__module__.startswith("thrifthive.gen")


@pytest.fixture
def garbage() -> Iterator[list[object]]:
    """What the collector finds unreachable, kept for inspection (other tests' server threads
    may make garbage of their own meanwhile, hence the filter on the generator's objects)."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.mark.parametrize("make", [gen.package, gen.stubs], ids=["gen", "stubs"])
def test_generating_leaves_no_garbage_cycles(garbage: list[object], make: object) -> None:
    assert callable(make)
    make(IDL)
    gc.collect()
    assert [o for o in garbage if _ours(o)] == []
