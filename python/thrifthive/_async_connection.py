"""One pipelined connection of :class:`~thrifthive.AsyncClient`: an :class:`asyncio.Protocol`
over the loop's own socket transport, with the Thrift work in ``_native.Pipeline``.

Per call, Python only creates a future and hands the arguments to the pipeline, which encodes
the request into its output buffer; requests made in the same loop iteration leave in one
``transport.write`` (a flush scheduled once per iteration with ``call_soon``), so a hundred
calls in flight cost one send, not a hundred. Whatever the socket receives goes to
``Pipeline.feed``, which cuts, matches (by seqid), checks and decodes replies in Rust and
completes their futures. Timeouts share one timer per connection, armed for the earliest
deadline; ``Pipeline.expire`` fails the calls whose time is up. When the server reads slower
than calls come, the transport pauses writing (its buffer is over the high-water mark) and new
calls wait in :meth:`Connection.writable` until it resumes, so memory stays bounded.

The socket is opened by ``_native.ClientTarget.connect`` on the loop's default executor (the
same connect code, and so the same errors, as the blocking client's) and then handed to the
loop, so the loop thread never blocks on socket IO.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import socket
from collections.abc import Callable
from concurrent.futures import Future as ConcurrentFuture
from typing import Any, cast

from thrifthive import _native

__all__ = ["Connection", "open_connection"]

# The most request bytes gathered in one loop iteration before they are written; asyncio's
# transports pause writing above 64 KiB buffered, by default.
BATCH_LIMIT = 64 * 1024


class Connection(asyncio.Protocol):
    """A connection and the calls in flight on it. ``open`` is False once it is closed or
    lost, and ``on_lost(self)`` is called then, once."""

    def __init__(
        self,
        pipeline: _native.Pipeline,
        loop: asyncio.AbstractEventLoop,
        on_lost: Callable[[Connection], None],
    ) -> None:
        self.pipeline = pipeline
        self.loop = loop
        self.open = True
        self.closed_by_client = False
        self._on_lost = on_lost
        self._transport: asyncio.Transport | None = None
        self._flush_scheduled = False
        self._timer: asyncio.TimerHandle | None = None
        self._timer_when = math.inf
        # Whether the transport's buffer is over its high-water mark; a future for resuming.
        self.paused = False
        self._resumed: asyncio.Future[None] | None = None
        self.closed: asyncio.Future[None] = loop.create_future()

    # -- calls ------------------------------------------------------------------------------

    def request(
        self,
        name: str,
        args: object,
        result: type,
        timeout: float | None,
        headers: dict[str, str] | None = None,
        meter: _native.CallMeter | None = None,
    ) -> tuple[asyncio.Future[Any], int]:
        """Sends a call (with ``headers`` as THeader info headers, counted in ``meter`` if
        given); returns the future its reply completes, and its seqid."""
        future = self.loop.create_future()
        seqid = self.pipeline.send(name, args, result, future, timeout, headers, meter)
        if self.pipeline.buffered > BATCH_LIMIT:
            # Out now rather than at the end of the iteration: the transport then tells at once
            # (pause_writing) whether the calls that follow must wait.
            self._flush()
        elif not self._flush_scheduled:
            self._flush_scheduled = True
            self.loop.call_soon(self._flush)
        if timeout is not None:
            self._arm(timeout)
        return future, seqid

    async def writable(self) -> None:
        """Returns once the transport takes more, or the connection is gone."""
        while self.paused and self.open:
            if self._resumed is None:
                self._resumed = self.loop.create_future()
            await asyncio.shield(self._resumed)

    def oneway(
        self,
        name: str,
        args: object,
        headers: dict[str, str] | None = None,
        meter: _native.CallMeter | None = None,
    ) -> None:
        """Sends a oneway call (counted in ``meter``, if given), written at once (with the
        requests before it)."""
        self.pipeline.send(name, args, None, None, None, headers, meter)
        self._flush()

    def close(self) -> None:
        """Fails the calls in flight (the client was closed) and closes the socket."""
        self.closed_by_client = True
        if self.open:
            self.pipeline.lost(None, by_client=True)
            self._gone()
        if self._transport is not None:
            self._transport.close()

    def _flush(self) -> None:
        self._flush_scheduled = False
        data = self.pipeline.take()
        if data and self.open and self._transport is not None:
            self._transport.write(data)

    def _arm(self, delay: float) -> None:
        when = self.loop.time() + delay
        if when < self._timer_when:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self.loop.call_at(when, self._expire)
            self._timer_when = when

    def _expire(self) -> None:
        self._timer = None
        self._timer_when = math.inf
        delay = self.pipeline.expire()
        if delay is not None:
            self._arm(delay)

    def _wake_writers(self) -> None:
        resumed, self._resumed = self._resumed, None
        if resumed is not None and not resumed.done():
            resumed.set_result(None)

    def _gone(self) -> None:
        self.open = False
        self._wake_writers()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._on_lost(self)

    # -- asyncio.Protocol -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport (uvloop's are not subclasses of asyncio.Transport).
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if not self.pipeline.feed(data):
            # The stream cannot be read on: every call in flight has failed. Out of the pool at
            # once, so that no call is sent on it while the transport closes.
            self._gone()
            if self._transport is not None:
                self._transport.close()

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self._wake_writers()

    def eof_received(self) -> bool:
        return False  # the server is done: close

    def connection_lost(self, exc: Exception | None) -> None:
        if self.open:
            self.pipeline.lost(exc)
            self._gone()
        if not self.closed.done():
            self.closed.set_result(None)


async def open_connection(
    target: _native.ClientTarget,
    loop: asyncio.AbstractEventLoop,
    on_lost: Callable[[Connection], None],
) -> Connection:
    """Connects to ``target`` and returns the connection, registered with the loop."""
    connecting = loop.run_in_executor(None, target.connect)
    try:
        # Shielded: a cancelled caller must still close the socket the worker thread opens.
        fd = await asyncio.shield(connecting)
    except asyncio.CancelledError:
        connecting.add_done_callback(_close_unclaimed)
        raise
    sock = socket.socket(fileno=fd)
    connection = Connection(target.pipeline(), loop, on_lost)
    try:
        if sock.family == socket.AF_UNIX:
            await loop.create_unix_connection(lambda: connection, sock=sock)
        else:
            await loop.create_connection(lambda: connection, sock=sock)
    except BaseException:
        sock.close()
        raise
    return connection


def _close_unclaimed(connecting: asyncio.Future[int] | ConcurrentFuture[int]) -> None:
    if not connecting.cancelled() and connecting.exception() is None:
        with contextlib.suppress(OSError):
            os.close(connecting.result())
