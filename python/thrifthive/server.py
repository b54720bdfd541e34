"""``thrifthive.Server``: serves Python handlers with the Rust engine (crates/thrifthive-rpc).

The engine's IO threads (tokio) read requests and never wait for the GIL: they queue each one for
a pool of long-lived Python threads (``handler_threads``), which answer several queued calls per
GIL hold. Each call is routed in Rust (``_native.Router``): the arguments decoded, the handler
method called, the reply encoded and written to the socket, with no Python frame but the
handler's. A handler that blocks (``time.sleep``, socket IO) holds up only its own thread.
``async def`` methods run on one asyncio loop in a thread of its own, started when a handler has
one; their reply is sent from there.

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
import contextvars
import inspect
import logging
import os
import signal
import threading
from collections.abc import Callable, Coroutine, Mapping
from types import FrameType, TracebackType
from typing import Any, Literal

from thrifthive import context
from thrifthive._native import NativeServer, Reply, Route, Router
from thrifthive._server_workers import serve_forked
from thrifthive.service import Method, Service

__all__ = ["Server"]

logger = logging.getLogger("thrifthive")


class _Entry:
    """A method of a served service, bound to its handler."""

    __slots__ = ("func", "is_async", "method")

    def __init__(self, method: Method, handler: object) -> None:
        func = getattr(handler, method.name, None)
        if not callable(func):
            # As with Apache's processors, a handler may leave methods out: calling one is an
            # INTERNAL_ERROR for the caller, not a reason to refuse to serve the others.
            func = _missing(type(handler).__name__, method.name)
        self.method = method
        self.func: Callable[..., Any] = func
        self.is_async = inspect.iscoroutinefunction(func)

    def route(self) -> Route:
        method = self.method
        return Route(
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


def _router(table: Mapping[str, _Entry], loop: _Loop | None) -> Router:
    """The native router: each call is decoded, dispatched and encoded in Rust (see
    crates/thrifthive-py/src/server/router.rs), with ``async def`` methods scheduled on
    ``loop``."""
    routes = {entry: entry.route() for entry in set(table.values())}

    def schedule(
        coro: Coroutine[Any, Any, Any], reply: Reply, request: context.RequestContext | None
    ) -> None:
        assert loop is not None
        loop.call_soon(_run, coro, reply, request)

    return Router(
        {name: routes[entry] for name, entry in table.items()},
        _log_exception,
        schedule,
        context._current,
        context.RequestContext,
    )


def _run(
    coro: Coroutine[Any, Any, Any], reply: Reply, request: context.RequestContext | None
) -> None:
    """Runs an ``async def`` method's coroutine on the loop, with ``request`` as its
    :func:`~thrifthive.current_request` if given; its outcome completes ``reply``."""
    if request is None:
        task = asyncio.ensure_future(coro)
    else:
        task_context = contextvars.copy_context()
        task_context.run(context._current.set, request)
        task = asyncio.get_running_loop().create_task(coro, context=task_context)
    task.add_done_callback(lambda task: _finish(task, reply))


def _finish(task: asyncio.Future[Any], reply: Reply) -> None:
    if task.cancelled():
        reply.raised(RuntimeError("the call was interrupted (CancelledError)"))
        return
    exc = task.exception()
    if exc is None:
        reply.returned(task.result())
    elif isinstance(exc, Exception):
        reply.raised(exc)
    else:
        reply.raised(RuntimeError(f"the call was interrupted ({type(exc).__name__})"))


class _Loop:
    """An asyncio loop running in a thread of its own, for ``async def`` methods."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="thrifthive-asyncio", daemon=True
        )
        self._thread.start()

    def call_soon(
        self,
        callback: Callable[
            [Coroutine[Any, Any, Any], Reply, context.RequestContext | None], None
        ],
        coro: Coroutine[Any, Any, Any], reply: Reply, request: context.RequestContext | None,
    ) -> None:  # fmt: skip
        self.loop.call_soon_threadsafe(callback, coro, reply, request)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


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
    ``io_threads`` tokio threads do the socket IO. ``workers=N`` (N > 1) makes :meth:`serve`
    fork N processes sharing the TCP port. Limits: ``max_frame_size`` (bytes),
    ``idle_timeout`` (seconds, None for none), ``max_connections``.
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
    ) -> None:
        self._table = _routes(service, handler, services, default)
        self.host = host
        self._port = port
        self.unix_socket = None if unix_socket is None else os.fspath(unix_socket)
        self.transport: Transport = transport
        self.protocol: Protocol = protocol
        self.max_frame_size = max_frame_size
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        self.handler_threads = handler_threads
        self.io_threads = io_threads
        self.http_path = http_path
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self.tls_client_ca = tls_client_ca
        self.workers = workers
        # Set in the worker processes of workers > 1, which share the port.
        self._reuse_port = False
        self._native: NativeServer | None = None
        self._loop: _Loop | None = None

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

    def start(self) -> None:
        """Binds and serves in background threads; returns once listening. ``workers > 1``
        is served by :meth:`serve` only."""
        if self._native is not None:
            raise RuntimeError("the server is already running")
        if self.workers != 1 and not self._reuse_port:
            raise NotImplementedError(
                "start() serves in this process only: use serve() for workers > 1"
            )
        if any(entry.is_async for entry in self._table.values()):
            self._loop = _Loop()
        try:
            self._native = NativeServer(
                _router(self._table, self._loop),
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
            )
        except BaseException:
            self._close_loop()
            raise
        # Threads attached to the interpreter must be done before it finalizes.
        atexit.register(self.stop, 0.0)

    def stop(self, grace: float = 5.0) -> None:
        """Stops accepting, lets the calls already read finish within ``grace`` seconds, then
        closes every connection and joins the threads. Does nothing if not running."""
        native, self._native = self._native, None
        try:
            if native is not None:
                atexit.unregister(self.stop)
                native.stop(grace)
        finally:
            self._close_loop()

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
        self.start()
        assert self._native is not None
        stopping = threading.Event()
        previous: dict[signal.Signals, Any] = {}
        if threading.current_thread() is threading.main_thread():

            def on_signal(signum: int, frame: FrameType | None) -> None:
                logger.info("%s: stopping", signal.Signals(signum).name)
                stopping.set()

            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, on_signal)
        try:
            # A timed wait, so that the main thread runs signal handlers.
            while not stopping.wait(0.2) and self._native.is_serving():
                pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.stop()

    def _close_loop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is not None:
            loop.close()

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
) -> dict[str, _Entry]:
    """The message names answered, each with its method and handler."""
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
            entry = _Entry(method, obj)
            table[f"{prefix}:{name}"] = entry
            if prefix == default:
                table[name] = entry
    return table
