"""A handler for Apache's ThriftTest service that replies as Apache's own test server does
(``test/py/TestServer.py`` in apache/thrift), written for any library's classes.

The handler never imports a Thrift library: it builds its replies from ``types``, a module of
ThriftTest's classes (thrifthive's ``thrifthive.load``, Apache's generated ``ttypes`` or
thriftpy2's ``thriftpy2.load``), and raises ``texception`` (that library's ``TException``) where
Apache's server raises an undeclared ``TException``. Parameter names are the IDL's, so a server
may pass arguments by position or by keyword.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

THRIFT_TEST_IDL = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "fixtures"
    / "idl"
    / "apache"
    / "test"
    / "v0.16"
    / "ThriftTest.thrift"
)

# testMapMap's reply, whatever its argument: two inner maps, keys -4..-1 and 1..4 to themselves.
MAP_MAP: dict[int, dict[int, int]] = {
    -4: {k: k for k in range(-4, 0)},
    4: {k: k for k in range(1, 5)},
}


class ThriftTestHandler:
    """ThriftTest's methods, as Apache's test server implements them.

    ``oneway_calls`` counts the ``testOneway`` calls whose sleep is over, so a test can see
    that a oneway call reached the handler (:meth:`wait_oneway`).
    """

    def __init__(self, types: Any, texception: type[Exception]) -> None:
        self.types = types
        self.texception = texception
        self.oneway_calls = 0
        self._oneway = threading.Condition()

    def wait_oneway(self, count: int, timeout: float) -> bool:
        """Waits until ``count`` oneway calls have finished; False if ``timeout`` passed first."""
        with self._oneway:
            return self._oneway.wait_for(lambda: self.oneway_calls >= count, timeout)

    def testVoid(self) -> None:
        return None

    def testString(self, thing: str) -> str:
        return thing

    def testBool(self, thing: bool) -> bool:
        return thing

    def testByte(self, thing: int) -> int:
        return thing

    def testI32(self, thing: int) -> int:
        return thing

    def testI64(self, thing: int) -> int:
        return thing

    def testDouble(self, thing: float) -> float:
        return thing

    def testBinary(self, thing: bytes) -> bytes:
        return thing

    def testStruct(self, thing: Any) -> Any:
        return thing

    def testNest(self, thing: Any) -> Any:
        return thing

    def testMap(self, thing: dict[int, int]) -> dict[int, int]:
        return thing

    def testStringMap(self, thing: dict[str, str]) -> dict[str, str]:
        return thing

    def testSet(self, thing: set[int]) -> set[int]:
        return thing

    def testList(self, thing: list[int]) -> list[int]:
        return thing

    def testEnum(self, thing: int) -> int:
        return thing

    def testTypedef(self, thing: int) -> int:
        return thing

    def testMapMap(self, hello: int) -> dict[int, dict[int, int]]:
        return {k: dict(v) for k, v in MAP_MAP.items()}

    def testInsanity(self, argument: Any) -> dict[int, dict[int, Any]]:
        numberz = self.types.Numberz
        return {
            1: {numberz.TWO: argument, numberz.THREE: argument},
            2: {numberz.SIX: self.types.Insanity()},
        }

    def testMulti(
        self, arg0: int, arg1: int, arg2: int, arg3: dict[int, str], arg4: int, arg5: int
    ) -> Any:
        return self.types.Xtruct(
            string_thing="Hello2", byte_thing=arg0, i32_thing=arg1, i64_thing=arg2
        )

    def testException(self, arg: str) -> None:
        if arg == "Xception":
            raise self.types.Xception(errorCode=1001, message=arg)
        if arg == "TException":
            raise self.texception("This is a TException")

    def testMultiException(self, arg0: str, arg1: str) -> Any:
        if arg0 == "Xception":
            raise self.types.Xception(errorCode=1001, message="This is an Xception")
        if arg0 == "Xception2":
            raise self.types.Xception2(
                errorCode=2002, struct_thing=self.types.Xtruct(string_thing="This is an Xception2")
            )
        return self.types.Xtruct(string_thing=arg1)

    def testOneway(self, secondsToSleep: int) -> None:
        time.sleep(secondsToSleep / 3)  # Apache's server sleeps a third of the time asked
        self.oneway_finished()

    def oneway_finished(self) -> None:
        with self._oneway:
            self.oneway_calls += 1
            self._oneway.notify_all()


class AsyncThriftTestHandler:
    """The same replies from ``async def`` methods, for servers that run coroutines (thrifthive
    runs them on its asyncio loop): each method yields to the loop once, then answers as
    ``inner`` does; ``testOneway`` sleeps with ``asyncio.sleep``."""

    def __init__(self, inner: ThriftTestHandler) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, Any]]:
        method = getattr(self.inner, name)
        if not name.startswith("test"):
            raise AttributeError(name)

        async def call(*args: Any) -> Any:
            await asyncio.sleep(0)
            return method(*args)

        call.__name__ = name
        return call

    async def testOneway(self, secondsToSleep: int) -> None:
        await asyncio.sleep(secondsToSleep / 3)
        self.inner.oneway_finished()
