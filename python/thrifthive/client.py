"""The synchronous RPC client: :class:`Client`.

``Client(svc.UserService, "127.0.0.1:9090")`` has one method per method of the service;
``client.getUserById(101)`` (positional or keyword arguments, as the IDL names them) builds the
``getUserById_args`` struct, and ``_native.RpcClient`` encodes it, sends it and waits for the
reply with the GIL released, and decodes the ``getUserById_result`` struct, all in Rust. This
module then returns the result's ``success``, or raises the declared exception that is set.

Errors: a declared exception is raised as its IDL class; an EXCEPTION reply as
:class:`~thrifthive.exceptions.TApplicationException` (and ``MISSING_RESULT`` when a method that
returns a value replied with neither a value nor an exception, as Apache's clients do); anything
that goes wrong with the connection as :class:`~thrifthive.exceptions.TTransportException` whose
message says what happened (refused, timed out after how long, closed by the server, not a
Thrift reply).

Thrift over HTTP: ``Client(service, "http://host:port/thrift")`` posts each call (Apache's
``THttpServer``, thrifthive's ``Server(transport="http")``); ``headers`` are sent as HTTP headers.

Info headers: with ``transport="header"`` (Apache's THeader), each call may carry string
key/value pairs that the server's handler reads from :func:`thrifthive.current_request`:
``Client(..., transport="header", headers={"caller": "web"})`` sends them with every call, and
``client.with_headers({"trace-id": "abc"}).getUserById(1)`` with the calls made through the view
it returns (merged over the client's own, sharing its connections). ``compression="zlib"``
compresses every THeader request (the server answers compressed too).

Deadlines (see :mod:`thrifthive.context`): a ``transport="header"`` client sends each call's
deadline, the smaller of ``timeout`` and, inside a handler, the time left of the request being
handled, as the ``thrifthive-deadline-ms`` info header, and forwards that request's other info
headers under its own. Any client inside a handler bounds its calls by the request's remaining
time, and fails them at once, unsent, once it has passed.

One client may be shared by any number of threads: each call in flight at once gets a
connection of its own from a pool (measured faster than one locked connection). A call that
breaks its connection (a timeout, a reset, a server restart) fails and drops it; the next call
opens a new one.

Retries (``thrifthive._retry``): a call that never reached a server (it could not connect), or
of a method marked ``(hive.idempotent)`` that failed on the way, is sent again, to another
instance of a discovered service than the one it failed on (when there is another) or the same
address, up to ``retries`` times, within a budget of
``retry_budget`` retries per call and with exponential backoff from ``retry_backoff`` seconds.
``client.retry_stats`` counts them; each retry is logged at DEBUG on ``thrifthive.client``.

Metrics (:mod:`thrifthive.metrics`): every attempt of a call is counted in Rust, as it passes
there, in ``thrift_client_started_total``, ``thrift_client_handled_total`` (by outcome) and
``thrift_client_handling_seconds``, and every retry in ``thrift_client_retries_total``.

Discovery: given ``"etcd://host:port/prefix/name"``, ``"static://h1:p1,h2:p2"`` or
``"dns://name:port"`` instead of an address, the client follows that source's instances (the
set is kept in Rust and shared with nothing else of the client's) and sends each call to one of
them: by default the less loaded of two drawn at random (power of two choices on calls in
flight), with ``balance="round_robin"`` each in turn. Each instance has a pool of its own.

Ejection (circuit breaking, in Rust with the set, the same for :class:`~thrifthive.AsyncClient`):
each call's outcome counts for its instance: a transport failure (refused, reset, closed, timed
out) against it, a reply (a declared exception and a ``TApplicationException`` too) for it.
After ``eject_after`` failures in a row an instance is ejected: no call goes to it for
``eject_for`` seconds, times its ejections in a row, up to ``max_eject_for`` (ten times
``eject_for`` by default); then a single call probes it: a reply brings it back, a failure
ejects it again, for longer. At most ``max_ejected`` of the set (a fraction; at least one
instance, never all) is ejected at once, and when every instance is out one is still tried.
``eject_after=0`` turns it off. Ejections and returns are logged (WARNING and INFO on
``thrifthive.discovery``); ``client.instances()`` shows each instance's state.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TypedDict, cast

from thrifthive import _native
from thrifthive._calls import checked_headers, method_of, named, result_reader
from thrifthive._retry import RetryPolicy
from thrifthive.context import outgoing
from thrifthive.exceptions import TException, TTransportException
from thrifthive.service import Method, Service

__all__ = ["Client", "ClientOptions", "InstanceState"]


class ClientOptions(TypedDict, total=False):
    """The keyword options of :class:`Client` (and of the typed clients ``thrifthive gen``
    writes, which take ``**options`` and pass them on)."""

    transport: str | None
    protocol: str
    timeout: float | None
    connect_timeout: float
    service_name: str | None
    headers: Mapping[str, str] | None
    compression: str | None
    tls: bool | None
    tls_ca: str | os.PathLike[str] | None
    tls_cert: str | os.PathLike[str] | None
    tls_key: str | os.PathLike[str] | None
    tls_server_name: str | None
    balance: str
    retries: int
    retry_budget: float
    retry_backoff: float
    retry_min_per_second: float
    eject_after: int
    eject_for: float
    max_eject_for: float | None
    max_ejected: float


class InstanceState(TypedDict):
    """An instance of a discovered service as ``instances()`` reports it."""

    address: str
    weight: int
    in_flight: int
    #: Out of the balancing: ejected, or probed and not yet back.
    ejected: bool
    #: Failed calls since its last reply.
    failures: int
    #: Times it was ejected.
    ejections: int


class Client:
    """A client of ``service`` at ``address``: ``"host:port"``, ``"[::1]:port"``,
    ``"unix:/path"``, or ``"http://host:port/path"`` (``https://`` with TLS) for Thrift over
    HTTP (each call a POST; ``headers`` become HTTP headers); or of its instances discovered at
    ``"etcd://host:port/prefix/name"`` (several members ``h1:p1,h2:p2``, ``user:password@``,
    ``etcds://...?ca=&cert=&key=`` for TLS), ``"static://host:port,host:port"`` or
    ``"dns://name:port"``, balanced as ``balance`` says (``"p2c"``, the default, or
    ``"round_robin"``).

    ``transport`` is ``"buffered"`` (the default, what Apache's and thriftpy2's Python servers
    expect), ``"framed"`` or ``"header"`` (THeader), and ``"http"`` for an http:// address;
    ``protocol`` ``"binary"`` (the default) or ``"compact"``. ``headers`` (THeader and HTTP) go
    with every call, as info headers or HTTP headers;
    ``compression="zlib"`` (THeader only) compresses every request.

    TLS (rustls): ``tls=True`` (implied by an https:// address or any ``tls_*`` option) checks
    the server's certificate chain against ``tls_ca`` (a PEM file; the system's CAs by default)
    and its name against the host connected to (or ``tls_server_name``); ``tls_cert`` and
    ``tls_key`` present a client certificate to a server that requires one (mutual TLS).
    ``timeout`` bounds each call, in seconds (None: no bound); ``connect_timeout`` bounds
    connecting. With ``service_name``, calls are multiplexed: the method names go out as
    ``"service_name:method"``, as Apache's ``TMultiplexedProtocol`` sends them.

    ``retries`` (0: none) is how many times a failed call may be sent again when that is safe,
    ``retry_budget`` the retries allowed per call overall (plus ``retry_min_per_second``), and
    ``retry_backoff`` the first wait between attempts, doubled at each (see the module docs).
    ``eject_after``, ``eject_for``, ``max_eject_for`` and ``max_ejected`` eject instances of a
    discovered service that keep failing (see the module docs).
    """

    def __init__(
        self,
        service: Service,
        address: str,
        *,
        transport: str | None = None,
        protocol: str = "binary",
        timeout: float | None = None,
        connect_timeout: float = 10.0,
        service_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        compression: str | None = None,
        tls: bool | None = None,
        tls_ca: str | os.PathLike[str] | None = None,
        tls_cert: str | os.PathLike[str] | None = None,
        tls_key: str | os.PathLike[str] | None = None,
        tls_server_name: str | None = None,
        balance: str = "p2c",
        retries: int = 2,
        retry_budget: float = 0.2,
        retry_backoff: float = 0.01,
        retry_min_per_second: float = 10.0,
        eject_after: int = 5,
        eject_for: float = 30.0,
        max_eject_for: float | None = None,
        max_ejected: float = 0.5,
    ) -> None:
        self.service = service
        self.address = address
        self._retry = RetryPolicy(retries, retry_budget, retry_backoff, retry_min_per_second)
        url = address.startswith(("http://", "https://"))
        if transport is None:
            transport = "http" if url else "buffered"
        self.transport = transport
        self._timeout = timeout
        if tls is None:
            tls = address.startswith("https://") or any(
                option is not None for option in (tls_ca, tls_cert, tls_key, tls_server_name)
            )
        elif not tls and address.startswith("https://"):
            raise ValueError("an https:// address needs TLS: leave tls unset or True")
        self._native = _native.RpcClient(
            address,
            transport=transport,
            protocol=protocol,
            timeout=timeout,
            connect_timeout=connect_timeout,
            compression=compression,
            tls=tls,
            tls_ca=tls_ca,
            tls_cert=tls_cert,
            tls_key=tls_key,
            tls_server_name=tls_server_name,
            balance=balance,
            eject_after=eject_after,
            eject_for=eject_for,
            max_eject_for=max_eject_for,
            max_ejected=max_ejected,
        )
        self._prefix = f"{service_name}:" if service_name else ""
        # The service's name in the metrics: as the server names it.
        self._metered_as = service_name or service.name
        self._headers: dict[str, str] | None = None
        if headers:
            self._headers = checked_headers(self.transport, headers)

    def with_headers(self, headers: Mapping[str, str]) -> Client:
        """A view of this client whose calls also send ``headers`` (over the client's own, a key
        given in both taking its value from ``headers``). It shares the client's connections;
        closing either closes them."""
        view = object.__new__(Client)
        view.service = self.service
        view.address = self.address
        view.transport = self.transport
        view._timeout = self._timeout
        view._native = self._native
        view._retry = self._retry
        view._prefix = self._prefix
        view._metered_as = self._metered_as
        view._headers = {**(self._headers or {}), **checked_headers(self.transport, headers)}
        return view

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = method_of(self.service, name)
        call = _bind(
            self._native,
            self._prefix + name,
            method,
            _native.CallMeter(self._metered_as, name, oneway=method.oneway),
            self._headers,
            self._retry,
            self._timeout,
            self.transport == "header",
        )
        # Cached on the instance: the next lookup does not come here.
        setattr(self, name, call)
        return call

    @property
    def retry_stats(self) -> dict[str, int]:
        """The calls made, the retries sent and those the budget refused (``calls``,
        ``retries``, ``budget_exhausted``), over this client and its views."""
        return self._retry.stats

    @property
    def addresses(self) -> list[str]:
        """Where calls go now: the instances discovered, or the one address."""
        return self._native.addresses()

    def instances(self) -> list[InstanceState]:
        """Each instance of a discovered service now: its address, weight, calls in flight,
        whether it is ejected, its failures in a row and its ejections; empty for a client of
        one address."""
        return cast(list[InstanceState], self._native.instances())

    def close(self) -> None:
        """Closes the idle connections. The client stays usable: a later call reconnects."""
        self._native.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<thrifthive.Client {self.service.name} at {_native.shown_address(self.address)}>"


def _bind(
    native: _native.RpcClient,
    wire_name: str,
    method: Method,
    meter: _native.CallMeter,
    headers: dict[str, str] | None,
    retry: RetryPolicy,
    timeout: float | None,
    propagate: bool,
) -> Callable[..., Any]:
    args_class, result_class = method.args, method.result
    read = result_reader(method)

    def call(*args: Any, **kwargs: Any) -> Any:
        sent, bound = outgoing(wire_name, headers, timeout, propagate)
        call_args = args_class(*args, **kwargs)
        return read(native.call(wire_name, call_args, result_class, sent, bound, None, meter))

    def retrying_call(*args: Any, **kwargs: Any) -> Any:
        call_args = args_class(*args, **kwargs)
        attempts = retry.start(method, meter)
        # The instance the last attempt failed on: the next goes elsewhere if it can.
        avoid = None
        while True:
            # Each attempt with what is left of the deadline (past it: raises, unsent).
            sent, bound = outgoing(wire_name, headers, timeout, propagate)
            try:
                reply = native.call(wire_name, call_args, result_class, sent, bound, avoid, meter)
                return read(reply)
            except TException as exc:
                delay = attempts.retry_after(exc)
                if delay is None:
                    raise
                if isinstance(exc, TTransportException):
                    avoid = exc.instance
            time.sleep(delay)

    return named(retrying_call if retry.retries else call, method)
