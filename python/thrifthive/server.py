"""``thrifthive.Server``: serves Python handlers with the Rust engine (crates/thrifthive-rpc).

The engine's IO threads (tokio) read requests and never wait for the GIL: they queue each one for a
pool of long-lived Python threads (``handler_threads``), which answer several queued calls per GIL
hold (with ``handler_threads=0``, the IO threads answer plain methods themselves). Each call is
routed in Rust (``_native.Router``): the arguments decoded, the handler method called, the reply
encoded and written to the socket, with no Python frame but the handler's. A handler that blocks
(``time.sleep``, socket IO) holds up only its own thread. ``async def`` methods run on an asyncio
loop (see ``_server_asyncio``): the application's own when the server is started from a coroutine
(:meth:`Server.serve_async`), else one in a thread of the server's own; their reply is sent from
there.

Thrift semantics follow Apache's ``TProcessor``: the seqid is echoed; a declared exception goes
back in the result struct; a ``TApplicationException`` raised by the handler goes back as it is;
any other exception becomes ``TApplicationException(INTERNAL_ERROR, "<type>: <message>")`` and its
traceback is logged (logger ``thrifthive``); an unknown method gets ``UNKNOWN_METHOD``; a oneway
call gets no reply; a void method replies with an empty result struct, and so does a method whose
handler returned None (the client raises ``MISSING_RESULT``, as with Apache's servers).
"""

from __future__ import annotations

import asyncio
import atexit
import inspect
import logging
import os
import signal
import threading
from collections.abc import Callable, Mapping
from types import FrameType, TracebackType
from typing import Any, Literal

from thrifthive import context
from thrifthive._native import NativeServer, Route, Router
from thrifthive._registry import Registry
from thrifthive._server_asyncio import LoopThread, Watch
from thrifthive._server_workers import serve_forked
from thrifthive.health import SERVICE_NAME as HEALTH_SERVICE
from thrifthive.health import HealthState
from thrifthive.health import module as health_module
from thrifthive.service import Method, Service

__all__ = ["Server"]

logger = logging.getLogger("thrifthive")


class _Entry:
    """A method of a served service, bound to its handler."""

    __slots__ = ("func", "is_async", "method", "service")

    def __init__(self, method: Method, handler: object, service: str) -> None:
        func = getattr(handler, method.name, None)
        if not callable(func):
            # As with Apache's processors, a handler may leave methods out: calling one is an
            # INTERNAL_ERROR for the caller, not a reason to refuse to serve the others.
            func = _missing(type(handler).__name__, method.name)
        self.method = method
        # The name it is served under, for the metrics.
        self.service = service
        self.func: Callable[..., Any] = func
        self.is_async = inspect.iscoroutinefunction(func)

    def route(self) -> Route:
        method = self.method
        return Route(
            self.service,
            method.name,
            self.func,
            is_async=self.is_async,
            args=method.args,
            arg_names=[field[1] for field in method.args.__thrift_spec__],  # type: ignore[attr-defined]
            result=method.result,
            void=method.return_spec is None,
            throws=list(method.throws.items()),
        )


def _missing(handler: str, name: str) -> Callable[..., Any]:
    def missing(*args: object) -> None:
        raise AttributeError(f"the handler {handler} has no method {name}()")

    return missing


def _log_exception(name: str, exc: BaseException) -> None:
    logger.error("%s raised an exception", name, exc_info=exc)


def _router(table: Mapping[str, _Entry]) -> Router:
    """The native router: each call is decoded, dispatched and encoded in Rust (see
    crates/thrifthive-py/src/server/router.rs)."""
    routes = {entry: entry.route() for entry in set(table.values())}
    return Router(
        {name: routes[entry] for name, entry in table.items()},
        _log_exception,
        context._current,
        context.RequestContext,
    )


Transport = Literal["auto", "framed", "buffered", "header", "http"]
Protocol = Literal["auto", "binary", "compact"]


class Server:
    """A Thrift server for Python handlers.

    One service: ``Server(svc.UserService, Users(), port=9090)``; it answers plain method names
    (and ``"UserService:method"``). Several services on one port, as Apache's
    ``TMultiplexedProcessor`` serves them (``"Name:method"``)::

        Server(services={"Calc": (svc.Calculator, Calc()), "Users": (svc.UserService, Users())},
               default="Calc")

    ``default`` names the service that also answers plain (un-prefixed) names.

    A handler is any object with a method per service method (plain or ``async def``, mixed
    freely); arguments are passed positionally in declaration order. Calling a method the
    handler lacks gets ``INTERNAL_ERROR`` ("AttributeError: the handler ... has no method ...").

    ``port=0`` takes a free port, read from :attr:`port` after :meth:`start`. ``unix_socket``
    listens on that path instead of TCP. ``transport`` (framed, buffered or THeader, which
    Apache's ``THeaderProtocol`` speaks) and ``protocol`` are detected per connection unless
    pinned. A THeader reply goes back in the request's protocol and transforms (zlib), and a
    handler reads the request's info headers from :func:`thrifthive.current_request`.
    ``transport="http"`` serves Thrift over HTTP/1.1 instead (Apache's ``THttpClient``,
    thriftpy2's HTTP client): POSTs to ``http_path``, either protocol in the body, kept-alive
    connections, the request's HTTP headers (names lower-cased) in ``current_request()``.
    ``tls_cert`` and ``tls_key`` (PEM files) make every connection TLS (rustls), on any transport;
    with ``tls_client_ca`` too, clients must present a certificate signed by that CA (mutual
    TLS). A plaintext client is told the server requires TLS, and closed.
    ``handler_threads`` Python threads run handlers (blocking ones hold up only their own);
    ``io_threads`` tokio threads do the socket IO. ``handler_threads=0`` runs plain methods on the
    IO thread that read the call instead, as Apache's ``TNonblockingServer`` does without a thread
    pool: the fastest for handlers that never block (no hand-off between threads), but a handler
    that blocks, or any other thread holding the GIL, then holds up every connection of that IO
    thread, and :meth:`stop` waits for a running handler to return. ``workers=N`` (N > 1) makes
    :meth:`serve` fork N processes sharing the TCP port. Limits: ``max_frame_size`` (bytes),
    ``idle_timeout`` (seconds, None for none), ``max_connections``. ``metrics_port`` serves the
    process's call metrics (``thrifthive.metrics``) for Prometheus at
    ``http://host:metrics_port/metrics``. Every server also answers the health service
    (``thrifthive.health``; :meth:`set_serving`).

    ``registry="etcd://host:port/prefix"`` registers the running server in the hive as an
    instance of ``name`` (the service's name by default), with ``weight`` and ``metadata``
    (a JSON-able mapping), under a lease of ``registry_ttl`` seconds kept alive while it runs;
    clients reach it at ``etcd://host:port/prefix/name``. It registers ``host:port`` unless
    ``advertise`` says where clients reach it. See ``thrifthive._registry``. A cluster's
    members, a user and TLS go in the URL:
    ``etcds://user:password@h1:2379,h2:2379/prefix?ca=ca.pem&cert=c.pem&key=c.key``.
    """

    def __init__(
        self,
        service: Service | None = None,
        handler: object | None = None,
        *,
        services: Mapping[str, tuple[Service, object]] | None = None,
        default: str | None = None,
        host: str = "127.0.0.1",
        port: int = 9090,
        unix_socket: str | os.PathLike[str] | None = None,
        transport: Transport = "auto",
        protocol: Protocol = "auto",
        workers: int = 1,
        max_frame_size: int = 16 * 1024 * 1024,
        idle_timeout: float | None = 300.0,
        max_connections: int = 16_384,
        handler_threads: int = 64,
        io_threads: int = 1,
        http_path: str = "/thrift",
        tls_cert: str | os.PathLike[str] | None = None,
        tls_key: str | os.PathLike[str] | None = None,
        tls_client_ca: str | os.PathLike[str] | None = None,
        metrics_port: int | None = None,
        registry: str | None = None,
        name: str | None = None,
        weight: int = 1,
        metadata: Mapping[str, Any] | None = None,
        registry_ttl: float = 5.0,
        advertise: str | None = None,
    ) -> None:
        self._table, served = _routes(service, handler, services, default)
        self.registry: Registry | None = None
        if registry is not None:
            name = name or default or served[0]
            self.registry = Registry(registry, name, weight, metadata, registry_ttl, advertise)
        self.health = HealthState(served)
        _add_health(self._table, self.health)
        self.host = host
        self._port = port
        self.unix_socket = None if unix_socket is None else os.fspath(unix_socket)
        self.transport: Transport = transport
        self.protocol: Protocol = protocol
        self.max_frame_size = max_frame_size
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        if handler_threads < 0:
            raise ValueError(f"handler_threads must be 0 or more, got {handler_threads}")
        self.handler_threads = handler_threads
        self.io_threads = io_threads
        self.http_path = http_path
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.tls_client_ca = tls_client_ca
        self._metrics_port = metrics_port
        self.workers = workers
        # Set in the worker processes of workers > 1, which share the port.
        self._reuse_port = False
        self._native: NativeServer | None = None
        # Where async def methods run: a loop of the server's own, or the application's.
        self._loop_thread: LoopThread | None = None
        self._watch: Watch | None = None

    @property
    def port(self) -> int | None:
        """The TCP port: the one bound once started (``port=0`` takes a free one)."""
        if self._native is not None:
            return self._native.port
        return None if self.unix_socket is not None else self._port

    @port.setter
    def port(self, port: int) -> None:
        if self._native is not None:
            raise RuntimeError("the port of a running server cannot change")
        self._port = port

    @property
    def metrics_port(self) -> int | None:
        """The port of the Prometheus ``/metrics`` page (``metrics_port=0`` takes a free one),
        None without one."""
        if self._native is not None:
            return self._native.metrics_port
        return self._metrics_port

    def set_serving(self, serving: bool, service: str | None = None) -> None:
        """What the health service reports for ``service`` (a served service's name), or with
        ``service=None`` for every one and the server itself: SERVING or NOT_SERVING."""
        self.health.set(serving, service)

    def start(self) -> None:
        """Binds and serves in background threads; returns once listening. ``workers > 1``
        is served by :meth:`serve` only. ``async def`` methods run on an asyncio loop in a
        thread of the server's own."""
        self._start(None)

    def _start(self, loop: asyncio.AbstractEventLoop | None) -> None:
        if self._native is not None:
            raise RuntimeError("the server is already running")
        if self.workers != 1 and not self._reuse_port:
            raise NotImplementedError(
                "start() serves in this process only: use serve() for workers > 1"
            )
        self.health.set(True)
        try:
            self._native = NativeServer(
                _router(self._table),
                host=self.host,
                port=self._port,
                unix_socket=self.unix_socket,
                transport=self.transport,
                protocol=self.protocol,
                max_frame_size=self.max_frame_size,
                idle_timeout=self.idle_timeout,
                max_connections=self.max_connections,
                handler_threads=self.handler_threads,
                io_threads=self.io_threads,
                reuse_port=self._reuse_port,
                http_path=self.http_path,
                tls_cert=self.tls_cert,
                tls_key=self.tls_key,
                tls_client_ca=self.tls_client_ca,
                metrics_port=self._metrics_port,
            )
            if any(entry.is_async for entry in self._table.values()):
                if loop is None:
                    self._loop_thread = LoopThread()
                    loop = self._loop_thread.loop
                self._watch = Watch(self._native, loop)
            if self.registry is not None:
                self.registry.start(self.host, self.port)
        except BaseException:
            self.stop(0.0)
            raise
        # Threads attached to the interpreter must be done before it finalizes.
        atexit.register(self.stop, 0.0)

    def stop(self, grace: float = 5.0) -> None:
        """Stops accepting, lets the calls already read finish within ``grace`` seconds, then
        closes every connection and joins the threads. Does nothing if not running."""
        if self.registry is not None:
            # First, so that clients stop sending calls while the ones in flight finish.
            self.registry.stop()
        native, self._native = self._native, None
        try:
            if native is not None:
                atexit.unregister(self.stop)
                # Load balancers checking health drain it while the calls in flight finish.
                self.health.set(False)
                native.stop(grace)
        finally:
            watch, self._watch = self._watch, None
            if watch is not None:
                watch.end()
            loop_thread, self._loop_thread = self._loop_thread, None
            if loop_thread is not None:
                loop_thread.close()

    async def start_async(self) -> None:
        """:meth:`start` from a coroutine: ``async def`` methods run on the running loop (an
        aiohttp or FastAPI application's, say), the rest on the server's threads."""
        self._start(asyncio.get_running_loop())

    async def stop_async(self, grace: float = 5.0) -> None:
        """:meth:`stop` from a coroutine, without blocking the loop, which the calls in flight
        may need to finish."""
        await asyncio.get_running_loop().run_in_executor(None, self.stop, grace)

    async def serve_async(self) -> None:
        """Serves on the running loop until cancelled, then stops gracefully::

        task = asyncio.create_task(server.serve_async())
        ...
        task.cancel()
        """
        await self.start_async()
        try:
            await asyncio.Event().wait()
        finally:
            await asyncio.shield(self.stop_async())

    async def __aenter__(self) -> Server:
        await self.start_async()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop_async()

    def serve(self) -> None:
        """Serves until SIGINT or SIGTERM (when called from the main thread), then stops
        gracefully. With ``workers > 1``, forks that many processes sharing the TCP port
        (SO_REUSEPORT) and waits for them; signals are forwarded to them."""
        if self.workers == 1:
            self._serve_here()
            return
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.unix_socket is not None or self._port == 0:
            raise ValueError("workers > 1 share a TCP port: give a port (not 0, not a socket)")
        if self._native is not None:
            raise RuntimeError("the server is already running")
        serve_forked(self.workers, self._serve_worker)

    def _serve_worker(self) -> None:
        self._reuse_port = True
        self._serve_here()

    def _serve_here(self) -> None:
        stopping = threading.Event()
        previous: dict[signal.Signals, Any] = {}
        # Installed before starting: a signal that comes while the server starts stops it.
        if threading.current_thread() is threading.main_thread():

            def on_signal(signum: int, frame: FrameType | None) -> None:
                logger.info("%s: stopping", signal.Signals(signum).name)
                stopping.set()

            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, on_signal)
        try:
            self.start()
            native = self._native
            assert native is not None
            # A timed wait, so that the main thread runs signal handlers.
            while not stopping.wait(0.2) and native.is_serving():
                pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.stop()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _routes(
    service: Service | None,
    handler: object | None,
    services: Mapping[str, tuple[Service, object]] | None,
    default: str | None,
) -> tuple[dict[str, _Entry], list[str]]:
    """The message names answered, each with its method and handler; and the services'
    names."""
    if services is None:
        if service is None or handler is None:
            raise TypeError("Server() needs a service and a handler, or services={...}")
        services, default = {service.name: (service, handler)}, service.name
    elif service is not None or handler is not None:
        raise TypeError("pass either a service and a handler, or services={...}, not both")
    if default is not None and default not in services:
        raise ValueError(f"the default service {default!r} is not one of {sorted(services)}")
    table: dict[str, _Entry] = {}
    for prefix, (svc, obj) in services.items():
        for name, method in svc.methods.items():
            entry = _Entry(method, obj, prefix)
            table[f"{prefix}:{name}"] = entry
            if prefix == default:
                table[name] = entry
    return table, list(services)


def _add_health(table: dict[str, _Entry], health: HealthState) -> None:
    """The health service's names (see ``thrifthive.health``), and a plain ``ping`` unless a
    served service has one."""
    for name, method in health_module.Health.methods.items():
        entry = _Entry(method, health, HEALTH_SERVICE)
        table[f"{HEALTH_SERVICE}:{name}"] = entry
        if name == "ping":
            table.setdefault(name, entry)
