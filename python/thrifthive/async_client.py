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

THeader: with ``transport="header"`` each request goes in a THeader frame (binary or compact
inside, zlib with ``compression="zlib"``) carrying the info headers of ``headers=`` and of
``client.with_headers({...})``, as :class:`~thrifthive.Client` sends them; replies come off the
stream through the same Rust reader as framed and buffered ones. Deadlines are the blocking
client's too (``thrifthive.context.outgoing``, reckoned at each attempt): a call sends its
timeout as ``thrifthive-deadline-ms``, and inside a handler (``async def``, or a sync one running
a loop of its own) forwards the request's info headers, waits no longer than the request's
remaining time, and fails at once, unsent, once that has passed.

Discovery: with ``"etcd://..."``, ``"static://..."`` or ``"dns://..."`` instead of an address,
calls are balanced across the instances exactly as :class:`~thrifthive.Client` does (the same
Rust ``Discovery``), each instance with a pool of its own (``_async_balanced``); instances that
keep failing are ejected and probed back as the blocking client's are (``eject_after``,
``eject_for``, ``max_eject_for``, ``max_ejected``; ``instances()``), and a retry goes to another
instance than the one the call failed on.

Metrics (:mod:`thrifthive.metrics`): counted as :class:`~thrifthive.Client` counts them, in
``_native.Pipeline`` as each attempt is sent and ends; an attempt that fails before it is sent
(it cannot connect, no instance is known) is counted here.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any, TypedDict, TypeVar, cast

from thrifthive import _native
from thrifthive._async_balanced import Balanced, report
from thrifthive._async_connection import Connection
from thrifthive._async_pool import Pool
from thrifthive._calls import checked_headers, method_of, named, result_reader
from thrifthive._retry import RetryPolicy
from thrifthive.client import InstanceState
from thrifthive.context import outgoing
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
    headers: Mapping[str, str] | None
    compression: str | None
    retries: int
    retry_budget: float
    retry_backoff: float
    retry_min_per_second: float
    eject_after: int
    eject_for: float
    max_eject_for: float | None
    max_ejected: float


# The errors of a call itself (not the service's declared exceptions): a balanced client notes
# which instance the call went to, as the blocking client does.
_CALL_ERRORS = (TTransportException, TApplicationException, TProtocolException)


class AsyncClient:
    """An asyncio client of ``service`` at ``address``: ``"host:port"``, ``"[::1]:port"`` or
    ``"unix:/path"``; or of its instances discovered at a URL, balanced as ``balance`` says
    (see :class:`~thrifthive.Client`).

    ``transport`` (``"buffered"``, ``"framed"`` or ``"header"``), ``protocol``,
    ``connect_timeout``, ``service_name``, ``headers`` and ``compression`` are
    :class:`~thrifthive.Client`'s. ``timeout`` bounds each call, in seconds (None: no bound).
    ``connections`` is the most connections the client opens (to each instance), each with
    any number of calls in flight. The client connects on its first call, in the running
    loop, and must then be used from that loop. ``retries``, ``retry_budget``,
    ``retry_backoff``, ``retry_min_per_second``, ``eject_after``, ``eject_for``,
    ``max_eject_for`` and ``max_ejected`` are :class:`~thrifthive.Client`'s.
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
        headers: Mapping[str, str] | None = None,
        compression: str | None = None,
        retries: int = 2,
        retry_budget: float = 0.2,
        retry_backoff: float = 0.01,
        retry_min_per_second: float = 10.0,
        eject_after: int = 5,
        eject_for: float = 30.0,
        max_eject_for: float | None = None,
        max_ejected: float = 0.5,
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
                compression=compression,
            )

        self.service = service
        self.address = address
        self.transport = transport
        self._retry = RetryPolicy(retries, retry_budget, retry_backoff, retry_min_per_second)
        self._pool: Pool | Balanced
        if "://" in address:
            discovery = _native.Discovery(
                address,
                balance=balance,
                eject_after=eject_after,
                eject_for=eject_for,
                max_eject_for=max_eject_for,
                max_ejected=max_ejected,
            )
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
        self._headers = checked_headers(transport, headers) if headers else None

    def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, Any]]:
        method = method_of(self.service, name)
        call = _bind(
            self._pool,
            self._prefix + name,
            method,
            _native.CallMeter(self._metered_as, name, oneway=method.oneway),
            self.timeout,
            self._headers,
            self.transport == "header",
            self._retry,
        )
        # Cached on the instance: the next lookup does not come here.
        setattr(self, name, call)
        return call

    def with_timeout(self, timeout: float | None) -> AsyncClient:
        """This client (its connections included) with another timeout for each call."""
        return self._view(timeout, self._headers)

    def with_headers(self, headers: Mapping[str, str]) -> AsyncClient:
        """This client (its connections included) whose calls also send ``headers``, over the
        client's own (a key given in both takes its value from ``headers``), as
        :meth:`thrifthive.Client.with_headers`."""
        added = checked_headers(self.transport, headers)
        return self._view(self.timeout, {**(self._headers or {}), **added})

    def _view(self, timeout: float | None, headers: dict[str, str] | None) -> AsyncClient:
        view = object.__new__(AsyncClient)
        view.service, view.address, view.transport = self.service, self.address, self.transport
        view._pool, view._prefix, view._retry = self._pool, self._prefix, self._retry
        view._metered_as = self._metered_as
        view.timeout, view._headers = timeout, headers
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

    def instances(self) -> list[InstanceState]:
        """Each instance of a discovered service now (see
        :meth:`thrifthive.Client.instances`); empty for a client of one address."""
        pool = self._pool
        if isinstance(pool, Balanced):
            return cast(list[InstanceState], pool.discovery.instances())
        return []

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
        shown = _native.shown_address(self.address)
        return f"<thrifthive.AsyncClient {self.service.name} at {shown}>"


def _bind(
    pool: Pool | Balanced,
    wire_name: str,
    method: Method,
    meter: _native.CallMeter,
    timeout: float | None,
    headers: dict[str, str] | None,
    propagate: bool,
    retry: RetryPolicy,
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """The coroutine function of ``method``. Each attempt reckons what it sends and how long it
    waits now (``context.outgoing``: inside a handler, the request's metadata and what is left
    of its deadline), and fails at once, unsent, if that deadline has passed."""
    args_class, result_class = method.args, method.result
    read = result_reader(method)
    on: Callable[..., Coroutine[Any, Any, Any]]

    if result_class is None:

        async def oneway_on(
            pool: Pool, call_args: Any, sent: dict[str, str] | None, bound: float | None, /
        ) -> None:
            (await _writable(pool, wire_name, meter)).oneway(wire_name, call_args, sent, meter)

        on = oneway_on
    else:

        async def call_on(
            pool: Pool, call_args: Any, sent: dict[str, str] | None, bound: float | None, /
        ) -> Any:
            conn = await _writable(pool, wire_name, meter)
            future, seqid = conn.request(wire_name, call_args, result_class, bound, sent, meter)
            try:
                result = await future
            except asyncio.CancelledError:
                # Its reply, when it comes, is dropped; the other calls go on.
                conn.pipeline.forget(seqid)
                raise
            return read(result)

        on = call_on
    route = _route(pool, on, meter)
    first = route(None)

    async def call(*args: Any, **kwargs: Any) -> Any:
        call_args = args_class(*args, **kwargs)
        sent, bound = outgoing(wire_name, headers, timeout, propagate)
        return await first(call_args, sent, bound)

    async def retrying_call(*args: Any, **kwargs: Any) -> Any:
        call_args = args_class(*args, **kwargs)
        attempts = retry.start(method, meter)
        send = first
        while True:
            # Each attempt with what is left of the deadline (past it: raises, unsent).
            sent, bound = outgoing(wire_name, headers, timeout, propagate)
            try:
                return await send(call_args, sent, bound)
            except TException as exc:
                delay = attempts.retry_after(exc)
                if delay is None:
                    raise
                # Sent again elsewhere than the instance it failed on.
                if isinstance(exc, TTransportException) and exc.instance is not None:
                    send = route(exc.instance)
            await asyncio.sleep(delay)

    return named(retrying_call if retry.retries else call, method)


# The call, given the instance to avoid (where the call failed before it was retried).
_Routed = Callable[[str | None], Callable[..., Coroutine[Any, Any, Any]]]


def _route(
    pool: Pool | Balanced, on: Callable[..., Coroutine[Any, Any, Any]], meter: _native.CallMeter
) -> _Routed:
    """The call: on the one pool (bound with a partial, so a client of one address pays no
    extra frame), or on the pool of the instance picked for it, its outcome reported."""
    if isinstance(pool, Pool):
        call = functools.partial(on, pool)
        return lambda avoid: call
    balanced = pool

    async def balanced_call(avoid: str | None, /, *args: Any, **kwargs: Any) -> Any:
        picked = await _unsent_counted(meter, balanced.pick(avoid))
        try:
            result = await on(balanced.pool(picked.address), *args, **kwargs)
        except BaseException as exc:
            report(picked, exc)
            if isinstance(exc, _CALL_ERRORS):
                exc.add_note(balanced.discovery.note(picked.address))
            raise
        picked.answered()
        return result

    first = functools.partial(balanced_call, None)
    return lambda avoid: first if avoid is None else functools.partial(balanced_call, avoid)


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
