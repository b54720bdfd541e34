"""The calls every client makes, and what Apache's test server answers to each.

A :class:`Call` is built from ``types``, the calling side's module of ThriftTest classes, so its
arguments and expected reply are that library's objects and compare with ``==`` to what its
client returns or raises.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .thrift_test_handler import MAP_MAP


@dataclass(frozen=True)
class Returns:
    """The call returns ``value``."""

    value: Any


@dataclass(frozen=True)
class Raises:
    """The call raises ``error``, a declared exception, equal field by field."""

    error: BaseException


@dataclass(frozen=True)
class Fails:
    """The handler raised an undeclared TException: Apache's Python server answers with a
    TApplicationException, type INTERNAL_ERROR (6); its C++ server with type UNKNOWN (0)
    carrying the handler's message."""


@dataclass(frozen=True)
class Oneway:
    """A oneway call: returns None at once, without waiting for the handler's sleep."""


Outcome = Returns | Raises | Fails | Oneway

# TApplicationException types Apache's servers use for an undeclared exception.
INTERNAL_ERROR = 6
UNKNOWN = 0


# Bigger than any transport's buffer (Apache's buffered transport reads 4 KiB at a time).
LARGE_BINARY = bytes(range(256)) * 1024  # 256 KiB
LARGE_LIST = [i * (-1) ** i for i in range(10_000)]


@dataclass(frozen=True)
class Call:
    id: str
    method: str
    args: tuple[Any, ...]
    outcome: Outcome


def calls(t: Any) -> list[Call]:
    """Every ThriftTest method, with edge values, built from ``t``'s classes."""
    n = t.Numberz
    xtruct = t.Xtruct(string_thing="Zero", byte_thing=1, i32_thing=-3, i64_thing=-5)
    insanity = t.Insanity(
        userMap={n.FIVE: 5, n.EIGHT: 8},
        xtructs=[
            t.Xtruct(string_thing="Goodbye4", byte_thing=4, i32_thing=4, i64_thing=4),
            t.Xtruct(string_thing="Hello2", byte_thing=2, i32_thing=2, i64_thing=2),
        ],
    )
    cases: list[tuple[str, str, tuple[Any, ...], Outcome]] = [
        ("void", "testVoid", (), Returns(None)),
        ("string", "testString", ("Test",), Returns("Test")),
        ("string-empty", "testString", ("",), Returns("")),
        ("string-unicode", "testString", ("ünïcödé 🐝 ∑",), Returns("ünïcödé 🐝 ∑")),
        ("bool-true", "testBool", (True,), Returns(True)),
        ("bool-false", "testBool", (False,), Returns(False)),
        ("byte", "testByte", (1,), Returns(1)),
        ("byte-min", "testByte", (-128,), Returns(-128)),
        ("byte-max", "testByte", (127,), Returns(127)),
        ("i32", "testI32", (-1,), Returns(-1)),
        ("i32-min", "testI32", (-(2**31),), Returns(-(2**31))),
        ("i32-max", "testI32", (2**31 - 1,), Returns(2**31 - 1)),
        ("i64", "testI64", (-34359738368,), Returns(-34359738368)),
        ("i64-min", "testI64", (-(2**63),), Returns(-(2**63))),
        ("i64-max", "testI64", (2**63 - 1,), Returns(2**63 - 1)),
        ("double", "testDouble", (-5.2098523,), Returns(-5.2098523)),
        ("double-tiny", "testDouble", (-5.26e-300,), Returns(-5.26e-300)),
        ("binary", "testBinary", (bytes(range(256)),), Returns(bytes(range(256)))),
        ("binary-empty", "testBinary", (b"",), Returns(b"")),
        ("binary-large", "testBinary", (LARGE_BINARY,), Returns(LARGE_BINARY)),
        ("struct", "testStruct", (xtruct,), Returns(xtruct)),
        (
            "nest",
            "testNest",
            (t.Xtruct2(byte_thing=1, struct_thing=xtruct, i32_thing=5),),
            Returns(t.Xtruct2(byte_thing=1, struct_thing=xtruct, i32_thing=5)),
        ),
        (
            "map",
            "testMap",
            ({i: i - 10 for i in range(5)},),
            Returns({i: i - 10 for i in range(5)}),
        ),
        ("map-empty", "testMap", ({},), Returns({})),
        (
            "string-map",
            "testStringMap",
            ({"a": "2", "b": "blah", "some": "thing", "ünï": "côdé"},),
            Returns({"a": "2", "b": "blah", "some": "thing", "ünï": "côdé"}),
        ),
        ("set", "testSet", ({1, 2, 3, -4},), Returns({1, 2, 3, -4})),
        ("list", "testList", ([1, 2, 3, -4, 0],), Returns([1, 2, 3, -4, 0])),
        ("list-empty", "testList", ([],), Returns([])),
        ("list-large", "testList", (LARGE_LIST,), Returns(LARGE_LIST)),
        ("enum-one", "testEnum", (n.ONE,), Returns(n.ONE)),
        ("enum-five", "testEnum", (n.FIVE,), Returns(n.FIVE)),
        ("enum-eight", "testEnum", (n.EIGHT,), Returns(n.EIGHT)),
        ("typedef", "testTypedef", (309858235082523,), Returns(309858235082523)),
        ("map-map", "testMapMap", (1,), Returns(MAP_MAP)),
        (
            "insanity",
            "testInsanity",
            (insanity,),
            Returns({1: {n.TWO: insanity, n.THREE: insanity}, 2: {n.SIX: t.Insanity()}}),
        ),
        (
            "multi",
            "testMulti",
            (74, 0xFF00FF, 0xFFFFFFFFD0D0, {0: "abc", 1: "def"}, n.FIVE, 12345678),
            Returns(
                t.Xtruct(
                    string_thing="Hello2",
                    byte_thing=74,
                    i32_thing=0xFF00FF,
                    i64_thing=0xFFFFFFFFD0D0,
                )
            ),
        ),
        (
            "exception-xception",
            "testException",
            ("Xception",),
            Raises(t.Xception(errorCode=1001, message="Xception")),
        ),
        ("exception-texception", "testException", ("TException",), Fails()),
        ("exception-none", "testException", ("success",), Returns(None)),
        (
            "multi-exception-xception",
            "testMultiException",
            ("Xception", "test 1"),
            Raises(t.Xception(errorCode=1001, message="This is an Xception")),
        ),
        (
            "multi-exception-xception2",
            "testMultiException",
            ("Xception2", "test 2"),
            Raises(
                t.Xception2(
                    errorCode=2002, struct_thing=t.Xtruct(string_thing="This is an Xception2")
                )
            ),
        ),
        (
            "multi-exception-none",
            "testMultiException",
            ("no exception", "test 3"),
            Returns(t.Xtruct(string_thing="test 3")),
        ),
        ("oneway", "testOneway", (1,), Oneway()),
    ]
    return [Call(*case) for case in cases]


class _Stub:
    """Stands for any module of classes, to list the calls' ids without one."""

    def __getattr__(self, name: str) -> _Stub:
        return _Stub()

    def __call__(self, *args: Any, **kwargs: Any) -> _Stub:
        return _Stub()


CALL_IDS: list[str] = [c.id for c in calls(_Stub())]


def call_by_id(t: Any, call_id: str) -> Call:
    return next(c for c in calls(t) if c.id == call_id)


def check(
    call: Call,
    invoke: Callable[..., Any],
    application_error: type[BaseException],
    after: Callable[[], Any] | None = None,
) -> None:
    """Makes ``call`` through ``invoke`` and asserts its outcome.

    ``application_error`` is the client library's TApplicationException class. ``after``, when
    given, is a follow-up call on the same connection (``testI32(-7)``) made after exceptions and
    oneway calls to show the connection still works.
    """
    outcome = call.outcome
    if isinstance(outcome, Returns):
        result = invoke(*call.args)
        assert result == outcome.value, f"{call.id}: got {_short(result)}"
        assert type(result) is type(outcome.value) or _same_kind(result, outcome.value)
        return
    if isinstance(outcome, Raises):
        with pytest.raises(type(outcome.error)) as raised:
            invoke(*call.args)
        assert raised.value == outcome.error, f"{call.id}: raised {raised.value!r}"
    elif isinstance(outcome, Fails):
        with pytest.raises(application_error) as failed:
            invoke(*call.args)
        kind = getattr(failed.value, "type", None)
        assert kind in (INTERNAL_ERROR, UNKNOWN), (
            f"TApplicationException type {kind}: {failed.value!r}"
        )
    else:
        start = time.monotonic()
        result = invoke(*call.args)
        elapsed = time.monotonic() - start
        assert result is None
        # The handler sleeps a third of a second; a oneway call must not wait for it.
        assert elapsed < 0.25, f"oneway call took {elapsed:.3f}s"
    if after is not None:
        assert after() == -7


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _same_kind(result: Any, expected: Any) -> bool:
    """Accepts library-specific types that stand for the same Thrift type: an enum member for an
    int, a frozen map for a dict, a frozenset for a set."""
    kinds = (bool, int, float, str, bytes, dict, set, frozenset, list, tuple, type(None))
    for kind in kinds:
        if isinstance(expected, kind):
            return isinstance(result, kind) or (
                kind in (set, frozenset) and isinstance(result, set | frozenset)
            )
    return type(result) is type(expected)
