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

One client may be shared by any number of threads: each call in flight at once gets a
connection of its own from a pool (measured faster than one locked connection). A call that
breaks its connection (a timeout, a reset, a server restart) fails and drops it; the next call
opens a new one. Calls are never retried, since a failed call may have run on the server.

Discovery: given ``"etcd://host:port/prefix/name"``, ``"static://h1:p1,h2:p2"`` or
``"dns://name:port"`` instead of an address, the client follows that source's instances (the
set is kept in Rust and shared with nothing else of the client's) and sends each call to one of
them: by default the less loaded of two drawn at random (power of two choices on calls in
flight), with ``balance="round_robin"`` each in turn. Each instance has a pool of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from thrifthive import _native
from thrifthive._calls import method_of, named, result_reader
from thrifthive.service import Method, Service

__all__ = ["Client"]


class Client:
    """A client of ``service`` at ``address``: ``"host:port"``, ``"[::1]:port"`` or
    ``"unix:/path"``; or of its instances discovered at ``"etcd://host:port/prefix/name"``,
    ``"static://host:port,host:port"`` or ``"dns://name:port"``, balanced as ``balance``
    says (``"p2c"``, the default, or ``"round_robin"``).

    ``transport`` is ``"buffered"`` (the default, what Apache's and thriftpy2's Python servers
    expect) or ``"framed"``; ``protocol`` ``"binary"`` (the default) or ``"compact"``.
    ``timeout`` bounds each call, in seconds (None: no bound); ``connect_timeout`` bounds
    connecting. With ``service_name``, calls are multiplexed: the method names go out as
    ``"service_name:method"``, as Apache's ``TMultiplexedProtocol`` sends them.
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
        balance: str = "p2c",
    ) -> None:
        self.service = service
        self.address = address
        self._native = _native.RpcClient(
            address,
            transport=transport,
            protocol=protocol,
            timeout=timeout,
            connect_timeout=connect_timeout,
            balance=balance,
        )
        self._prefix = f"{service_name}:" if service_name else ""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        call = _bind(self._native, self._prefix + name, method_of(self.service, name))
        # Cached on the instance: the next lookup does not come here.
        setattr(self, name, call)
        return call

    @property
    def addresses(self) -> list[str]:
        """Where calls go now: the instances discovered, or the one address."""
        return self._native.addresses()

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
        return f"<thrifthive.Client {self.service.name} at {self.address}>"


def _bind(native: _native.RpcClient, wire_name: str, method: Method) -> Callable[..., Any]:
    args_class, result_class = method.args, method.result
    read = result_reader(method)

    def call(*args: Any, **kwargs: Any) -> Any:
        return read(native.call(wire_name, args_class(*args, **kwargs), result_class))

    return named(call, method)
