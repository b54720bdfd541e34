"""Where a server's ``async def`` methods run: an asyncio loop that watches the native server's
queue of async calls.

The engine queues each call of an ``async def`` method for the loop (not for the worker threads)
and makes a descriptor readable (``NativeServer.async_fd``); the loop, watching it with
``add_reader``, takes every waiting call in one callback (``drain_async``), and each coroutine
becomes a task of that loop. The loop is the application's own when the server is started from
a coroutine (``serve_async``, ``start_async``), else one in a thread of its own.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Coroutine
from typing import Any

from thrifthive._native import NativeServer, Reply

__all__ = ["LoopThread", "Watch", "answer"]


async def answer(coro: Coroutine[Any, Any, Any], reply: Reply) -> None:
    """Runs an ``async def`` method's coroutine and sends its outcome: the body of each call's
    task."""
    try:
        value = await coro
    except asyncio.CancelledError:
        reply.raised(RuntimeError("the call was interrupted (CancelledError)"))
        raise
    except BaseException as exc:
        reply.raised(exc)
        if not isinstance(exc, Exception):
            raise
    else:
        reply.returned(value)


class LoopThread:
    """An asyncio loop running in a thread of its own: uvloop's when it is installed (its turns
    cost a fraction of the default loop's, and a server's own loop runs nothing else), else
    asyncio's default."""

    def __init__(self) -> None:
        self.loop = _new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="thrifthive-asyncio", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class Watch:
    """``loop`` watching ``native``'s async calls, from now until :meth:`end`."""

    def __init__(self, native: NativeServer, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._fd = native.async_fd
        self._take = functools.partial(native.drain_async, loop.create_task, answer)
        if _running_here(loop):
            loop.add_reader(self._fd, self._drain)
        else:
            loop.call_soon_threadsafe(loop.add_reader, self._fd, self._drain)

    def _drain(self) -> None:
        # While calls keep coming, look again on the loop's next turn rather than wait to be
        # woken (see crates/thrifthive-py/src/server/loop_queue.rs).
        if self._take():
            self.loop.call_soon(self._drain)

    def end(self) -> None:
        """Stops watching (the reader keeps the native server alive until removed)."""
        if self.loop.is_closed():
            return
        if _running_here(self.loop):
            self.loop.remove_reader(self._fd)
        else:
            self.loop.call_soon_threadsafe(self.loop.remove_reader, self._fd)


def _new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


def _running_here(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
