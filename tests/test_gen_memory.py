"""Generating leaves no reference cycles behind: the IR of a large IDL is millions of objects,
and one cycle holding it would keep it alive until a full collection walked all of it (which
once doubled the generator's time on the benchmark's IDL, bench/gen.py)."""

from __future__ import annotations

import gc

from thrifthive import gen

from .support import APACHE_IDL

IDL = APACHE_IDL / "test" / "DebugProtoTest.thrift"


def test_generating_leaves_no_garbage_cycles() -> None:
    gen.package(IDL)  # first use: imports and caches, which are not garbage
    gen.stubs(IDL)
    gc.collect()
    gen.package(IDL)
    assert gc.collect() == 0
    gen.stubs(IDL)
    assert gc.collect() == 0
