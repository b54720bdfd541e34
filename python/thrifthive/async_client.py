"""The asyncio RPC client: :class:`AsyncClient`.

``await client.getUserById(101)`` binds arguments, returns results and raises errors exactly
as :class:`~thrifthive.Client` does (the two share ``_calls``). Any number of calls may be in
flight at once on one connection: requests are pipelined and each reply is matched to its call
by seqid, in whatever order the server answers. With ``connections=N`` the client keeps up to N
such connections and sends each call on the one with the fewest calls in flight, opening
another (in the background) only while every open one is busy.

Design: asyncio does the socket IO, Rust does the Thrift work. Each connection is an
:class:`asyncio.Protocol` over the loop's own transport (``_async_connection``); encoding the
request, cutting replies off the stream, matching seqids, checking and decoding replies all
run in ``_native.Pipeline``, called once per call (encode) and once per received chunk (all
the replies in it). It works the same on asyncio's default loop and on uvloop, the loop thread
never blocks on a socket, and no thread is involved once connected.

Why not IO on a tokio thread with completions handed to the loop through a wakeup fd: measured
(bench/async_client.py; BENCHMARKS.md, "AsyncClient"; getUserById against a thrifthive.Server
in another process, 2 shared cores). A prototype of it (this module's connection and pipeline,
the socket on a tokio thread, requests over a channel, replies queued and announced by one
eventfd write per batch) kept up with 100 calls in flight (this design's calls/s 1.04x its own,
median of 5 rounds, within the machine's noise) and lost with one call in flight (1.41x), where
every reply costs a thread wakeup; handing each call to another thread instead cost 4-6x. It
would also need a thread per connection (or a runtime) competing with the server and the
application for cores, a second event source per loop, and care at shutdown and fork. This
design has none of that, runs natively on uvloop, and meets the floors several times over: so
asyncio does the IO.

Errors: a declared exception is raised as its IDL class; an EXCEPTION reply as
``TApplicationException``; a connection failure fails every call in flight on that connection
with a ``TTransportException`` saying what happened (refused, closed by the server, reset, not
a Thrift reply, the client closed), and the next call connects again; a reply whose seqid
answers no call sent fails them all with ``TApplicationException`` ``BAD_SEQUENCE_ID``, as the
blocking client raises for a reply to another call. Failed calls are retried when that is safe,
within a budget, exactly as :class:`~thrifthive.Client` retries them (``thrifthive._retry``):
``retries``, ``retry_budget``, ``retry_backoff``, ``retry_min_per_second``, ``retry_stats``.

Timeouts: ``timeout=`` bounds every call; ``client.with_timeout(s)`` is the same client with
another bound; ``asyncio.wait_for`` and ``asyncio.timeout`` work as well. A call that times out
or is cancelled leaves the connection and the other calls alone: its late reply is read and
dropped.

Discovery: with ``"etcd://..."``, ``"static://..."`` or ``"dns://..."`` instead of an address,
calls are balanced across the instances exactly as :class:`~thrifthive.Client` does (the same
Rust ``Discovery``), each instance with a pool of its own (``_async_balanced``).

Metrics (:mod:`thrifthive.metrics`): counted as :class:`~thrifthive.Client` counts them, in
``_native.Pipeline`` as each attempt is sent and ends; an attempt that fails before it is sent
(it cannot connect, no instance is known) is counted here.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Coroutine
from types import TracebackType
from typing import Any, TypedDict, TypeVar

from thrifthive import _native
from thrifthive._async_balanced import Balanced
from thrifthive._async_connection import Connection
from thrifthive._async_pool import Pool
from thrifthive._calls import method_of, named, result_reader
from thrifthive._retry import RetryPolicy
from thrifthive.exceptions import (
    TApplicationException,
    TException,
    TProtocolException,
    TTransportException,
)
from thrifthive.service import Method, Service

__all__ = ["AsyncClient", "AsyncClientOptions"]

_T = TypeVar("_T")


class AsyncClientOptions(TypedDict, total=False):
    """The keyword options of :class:`AsyncClient` (and of the typed async clients
    ``thrifthive gen`` writes, which take ``**options`` and pass them on)."""

    transport: str
    protocol: str
    timeout: float | None
    connect_timeout: float
    service_name: str | None
    connections: int
    balance: str
    retries: int
    retry_budget: float
    retry_backoff: float
    retry_min_per_second: float


# The errors of a call itself (not the service's declared exceptions): a balanced client notes
# which instance the call went to, as the blocking client does.
_CALL_ERRORS = (TTransportException, TApplicationException, TProtocolException)


class AsyncClient:
    """An asyncio client of ``service`` at ``address``: ``"host:port"``, ``"[::1]:port"`` or
    ``"unix:/path"``; or of its instances discovered at a URL, balanced as ``balance`` says
    (see :class:`~thrifthive.Client`).

    ``transport``, ``protocol``, ``connect_timeout`` and ``service_name`` are
    :class:`~thrifthive.Client`'s. ``timeout`` bounds each call, in seconds (None: no bound).
    ``connections`` is the most connections the client opens (to each instance), each with
    any number of calls in flight. The client connects on its first call, in the running
    loop, and must then be used from that loop. ``retries``, ``retry_budget``,
    ``retry_backoff`` and ``retry_min_per_second`` are :class:`~thrifthive.Client`'s.
    """

    def __init__(
        self,
        service: Service,
        address: str,
        *,
        transport: str = "buffered",
        protocol: str = "binary",
        timeout: float | None = None,
        connect_timeout: float = 10.0,
        service_name: str | None = None,
        connections: int = 1,
        balance: str = "p2c",
        retries: int = 2,
        retry_budget: float = 0.2,
        retry_backoff: float = 0.01,
        retry_min_per_second: float = 10.0,
    ) -> None:
        if connections < 1:
            raise ValueError(f"connections must be at least 1, got {connections}")

        def target(address: str) -> _native.ClientTarget:
            return _native.ClientTarget(
                address,
                transport=transport,
                protocol=protocol,
                timeout=timeout,
                connect_timeout=connect_timeout,
            )

        self.service = service
        self.address = address
        self._retry = RetryPolicy(retries, retry_budget, retry_backoff, retry_min_per_second)
        self._pool: Pool | Balanced
        if "://" in address:
            discovery = _native.Discovery(address, balance=balance)
            self._pool = Balanced(discovery, target, connections, connect_timeout)
            # Checks the options now, as a client of one address does.
            self.timeout = target("127.0.0.1:1").timeout
        else:
            single = target(address)
            self._pool = Pool(single, connections)
            self.timeout = single.timeout
        self._prefix = f"{service_name}:" if service_name else ""
        # The service's name in the metrics: as the server names it.
        self._metered_as = service_name or service.name

    def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, Any]]:
        method = method_of(self.service, name)
        meter = _native.CallMeter(self._metered_as, name, oneway=method.oneway)
        call = _bind(self._pool, self._prefix + name, method, meter, self.timeout, self._retry)
        # Cached on the instance: the next lookup does not come here.
        setattr(self, name, call)
        return call

    def with_timeout(self, timeout: float | None) -> AsyncClient:
        """This client (its connections included) with another timeout for each call."""
        view = object.__new__(AsyncClient)
        view.service, view.address, view.timeout = self.service, self.address, timeout
        view._pool, view._prefix, view._retry = self._pool, self._prefix, self._retry
        view._metered_as = self._metered_as
        return view

    @property
    def retry_stats(self) -> dict[str, int]:
        """The calls made, the retries sent and those the budget refused (``calls``,
        ``retries``, ``budget_exhausted``), over this client and its views."""
        return self._retry.stats

    @property
    def addresses(self) -> list[str]:
        """Where calls go now: the instances discovered, or the one address."""
        pool = self._pool
        if isinstance(pool, Balanced):
            return pool.discovery.addresses()
        return [pool.target.address]

    @property
    def in_flight(self) -> int:
        """How many calls wait for their replies, over every connection."""
        return self._pool.in_flight

    async def close(self) -> None:
        """Closes the connections; calls in flight fail with TTransportException. The client
        stays usable: a later call connects again."""
        await self._pool.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<thrifthive.AsyncClient {self.service.name} at {self.address}>"


def _bind(
    pool: Pool | Balanced,
    wire_name: str,
    method: Method,
    meter: _native.CallMeter,
    timeout: float | None,
    retry: RetryPolicy,
) -> Callable[..., Coroutine[Any, Any, Any]]:
    args_class, result_class = method.args, method.result
    read = result_reader(method)
    on: Callable[..., Coroutine[Any, Any, Any]]

    if result_class is None:

        async def oneway_on(pool: Pool, /, *args: Any, **kwargs: Any) -> None:
            call_args = args_class(*args, **kwargs)
            (await _writable(pool, wire_name, meter)).oneway(wire_name, call_args, meter)

        on = oneway_on
    else:

        async def call_on(pool: Pool, /, *args: Any, **kwargs: Any) -> Any:
            call_args = args_class(*args, **kwargs)
            conn = await _writable(pool, wire_name, meter)
            future, seqid = conn.request(wire_name, call_args, result_class, timeout, meter)
            try:
                result = await future
            except asyncio.CancelledError:
                # Its reply, when it comes, is dropped; the other calls go on.
                conn.pipeline.forget(seqid)
                raise
            return read(result)

        on = call_on
    return named(_retrying(_route(pool, on, meter), method, meter, retry), method)


def _retrying(
    call: Callable[..., Coroutine[Any, Any, Any]],
    method: Method,
    meter: _native.CallMeter,
    retry: RetryPolicy,
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """``call``, sent again after a failure when ``retry`` says so (``thrifthive._retry``);
    as it is when retries are off."""
    if retry.retries == 0:
        return call

    async def retrying_call(*args: Any, **kwargs: Any) -> Any:
        attempts = retry.start(method, meter)
        while True:
            try:
                return await call(*args, **kwargs)
            except TException as exc:
                delay = attempts.retry_after(exc)
                if delay is None:
                    raise
            await asyncio.sleep(delay)

    return retrying_call


def _route(
    pool: Pool | Balanced,
    on: Callable[..., Coroutine[Any, Any, Any]],
    meter: _native.CallMeter,
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """The call: on the one pool (bound with a partial, so a client of one address pays no
    extra frame), or on the pool of the instance picked for it."""
    if isinstance(pool, Pool):
        return functools.partial(on, pool)
    balanced = pool

    async def balanced_call(*args: Any, **kwargs: Any) -> Any:
        picked = await _unsent_counted(meter, balanced.pick())
        try:
            return await on(balanced.pool(picked.address), *args, **kwargs)
        except _CALL_ERRORS as exc:
            exc.add_note(balanced.discovery.note(picked.address))
            raise
        finally:
            picked.release()

    return balanced_call


async def _writable(pool: Pool, wire_name: str, meter: _native.CallMeter) -> Connection:
    """A connection to send on: the least busy, waiting first while the server takes no more
    (the transport paused writing)."""
    conn = pool.pick() or await _connect(pool, wire_name, meter)
    while conn.paused:
        await conn.writable()
        if conn.closed_by_client:
            raise TTransportException(
                TTransportException.NOT_OPEN,
                f"the client was closed while the call to {wire_name} waited to be sent",
            )
        if not conn.open:  # lost before the call was sent: it may go on another connection
            conn = pool.pick() or await _connect(pool, wire_name, meter)
    return conn


async def _connect(pool: Pool, wire_name: str, meter: _native.CallMeter) -> Connection:
    """A new connection of ``pool``; a failure to connect counted in ``meter``."""
    return await _unsent_counted(meter, pool.connect(wire_name))


async def _unsent_counted(meter: _native.CallMeter, waiting: Awaitable[_T]) -> _T:
    """What ``waiting`` (a connect, a pick of an instance) gives; its TTransportException
    fails the call before it is sent, and is counted in ``meter`` as its outcome."""
    began = time.monotonic()
    try:
        return await waiting
    except TTransportException as exc:
        meter.unsent(exc, time.monotonic() - began)
        raise
