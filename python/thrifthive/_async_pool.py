"""The connections of one :class:`~thrifthive.AsyncClient`: up to ``size`` pipelined
connections, each call sent on the one with the fewest calls in flight.

A call never waits for a connection while one is open: when every open connection is busy and
the pool is not full, another is opened in the background and the call goes on the least busy
one meanwhile. Only when none is open do calls wait, all for the same connect. A connection
that is lost leaves the pool at once; the next call opens a new one. Connections belong to
the loop that opened them: a call from another loop opens new ones.
"""

from __future__ import annotations

import asyncio
import logging

from thrifthive import _native
from thrifthive._async_connection import Connection, open_connection

__all__ = ["Pool"]

log = logging.getLogger("thrifthive.client")


class Pool:
    def __init__(self, target: _native.ClientTarget, size: int) -> None:
        self.target = target
        self.size = size
        self.connections: list[Connection] = []
        self._connecting: asyncio.Task[Connection] | None = None

    @property
    def in_flight(self) -> int:
        return sum(c.pipeline.in_flight for c in self.connections)

    def pick(self) -> Connection | None:
        """The open connection to send on, None when none is open (then ``await connect()``)."""
        connections = self.connections
        if not connections:
            return None
        if connections[0].loop is not asyncio.get_running_loop():
            # Used from another loop than before (one loop per test, say): the old loop's
            # connections cannot serve this one.
            self.connections = []
            self._connecting = None
            return None
        if self.size == 1:
            return connections[0]
        best = min(connections, key=_in_flight)
        busy = best.pipeline.in_flight > 0
        if busy and self._connecting is None and len(connections) < self.size:
            self._start_connect()
        return best

    async def connect(self, method: str) -> Connection:
        """An open connection, connecting if none is (one connect shared by every caller);
        ``method`` names the call waiting for it in errors."""
        connection = self.pick()
        if connection is not None:
            return connection
        task = self._connecting or self._start_connect()
        try:
            # Shielded: one caller cancelled must not cancel the connect the others wait for.
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and (current is None or current.cancelling() == 0):
                # Not this call that was cancelled, but the connect, by close().
                raise self.target.closed_error(method) from None
            raise

    async def close(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
        closing = list(self.connections)
        for connection in closing:
            connection.close()
        if closing:
            # Transports close in a later loop iteration; bounded, so close() cannot hang.
            await asyncio.wait([c.closed for c in closing], timeout=5.0)

    def _start_connect(self) -> asyncio.Task[Connection]:
        loop = asyncio.get_running_loop()
        task = loop.create_task(open_connection(self.target, loop, self._lost))
        task.add_done_callback(self._connected)
        self._connecting = task
        return task

    def _connected(self, task: asyncio.Task[Connection]) -> None:
        if self._connecting is task:
            self._connecting = None
        if task.cancelled():
            return
        error = task.exception()  # retrieved here too, for a background connect nobody awaits
        if error is not None:
            log.debug("connecting to %s failed: %s", self.target.address, error)
            return
        connection = task.result()
        if connection.open:
            self.connections.append(connection)

    def _lost(self, connection: Connection) -> None:
        if connection in self.connections:
            self.connections.remove(connection)


def _in_flight(connection: Connection) -> int:
    return connection.pipeline.in_flight
