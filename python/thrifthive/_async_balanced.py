"""The connections of an :class:`~thrifthive.AsyncClient` of a discovered service: a
:class:`~thrifthive._async_pool.Pool` per instance, the instance of each call chosen by
``_native.Discovery`` (the same Rust instance set, balancing and ejection as the blocking
client's), which counts the call in flight on it until it is told how the call went
(:func:`report`).

Pools of instances that left the set are dropped when the set changes: their connections
close once their calls in flight are done (the server closes them as it drains).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from thrifthive import _native
from thrifthive._async_pool import Pool
from thrifthive._retry import instance_failure
from thrifthive.exceptions import TException, TProtocolException, TTransportException

__all__ = ["Balanced", "report"]


class Balanced:
    def __init__(
        self,
        discovery: _native.Discovery,
        target: Callable[[str], _native.ClientTarget],
        size: int,
        connect_timeout: float,
    ) -> None:
        self.discovery = discovery
        self.pools: dict[str, Pool] = {}
        self._target = target
        self._size = size
        self._connect_timeout = connect_timeout
        self._version = -1

    @property
    def in_flight(self) -> int:
        return sum(pool.in_flight for pool in self.pools.values())

    async def pick(self, avoid: str | None) -> _native.Picked:
        """The instance for a call, another than ``avoid`` if there is one; before the source's
        first report, waits for it (in an executor) up to the connect timeout.
        TTransportException when none is known."""
        picked = self.discovery.pick(avoid)
        if picked is None:
            loop = asyncio.get_running_loop()
            wait = self.discovery.pick_wait
            picked = await loop.run_in_executor(None, wait, self._connect_timeout, avoid)
            if picked is None:
                raise self.discovery.no_instances_error()
        return picked

    def pool(self, address: str) -> Pool:
        """The pool of the instance at ``address``."""
        version = self.discovery.version
        if version != self._version:
            self._version = version
            current = set(self.discovery.addresses())
            self.pools = {a: p for a, p in self.pools.items() if a in current}
        pool = self.pools.get(address)
        if pool is None:
            pool = self.pools[address] = Pool(self._target(address), self._size)
        return pool

    async def close(self) -> None:
        pools = list(self.pools.values())
        if pools:
            await asyncio.gather(*(pool.close() for pool in pools))


def report(picked: _native.Picked, exc: BaseException) -> None:
    """Tells the set how the call on ``picked`` that raised ``exc`` went, as the blocking
    client's Rust does: a transport failure of the server's counts against the instance; a
    reply (a declared exception, a ``TApplicationException``) for it; the rest (the client
    closed, a request that could not be encoded, a cancellation) says nothing of it."""
    if isinstance(exc, TTransportException):
        if instance_failure(exc):
            picked.failed()
            exc.instance = picked.address
            return
    elif isinstance(exc, TException) and not isinstance(exc, TProtocolException):
        picked.answered()
        return
    picked.release()
