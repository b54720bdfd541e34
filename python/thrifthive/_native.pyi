# Type stubs for the Rust extension module (crates/thrifthive-py). tests/test_stubs.py checks
# them against the built binary with mypy's stubtest.

import os
from collections.abc import Callable, Coroutine, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, ClassVar, Literal, TypeVar, final

__all__ = [
    "BenchReport",
    "CallMeter",
    "ClientTarget",
    "Compilation",
    "Diagnostic",
    "Discovery",
    "Limits",
    "MetricsServer",
    "NativeServer",
    "Note",
    "Picked",
    "Pipeline",
    "Registration",
    "Reply",
    "Route",
    "Router",
    "RpcClient",
    "ThriftParseError",
    "__version__",
    "bench",
    "compile_idl",
    "compile_idl_source",
    "decode_message",
    "dumps",
    "encode_message",
    "loads",
    "render_metrics",
    "shown_address",
]

_T = TypeVar("_T")

__version__: str

class ThriftParseError(ValueError):
    """An IDL file (or a file it includes) has errors; ``str(err)`` renders them all."""

    file: str
    line: int
    column: int
    snippet: str
    diagnostics: list[Diagnostic]
    warnings: list[Diagnostic]

@final
class Note:
    """A secondary location of a diagnostic, e.g. where a name was first defined."""

    def __new__(cls, file: str, line: int, column: int, message: str) -> Note: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def message(self) -> str: ...
    def __reduce__(self) -> tuple[type[Note], tuple[str, int, int, str]]: ...

@final
class Diagnostic:
    """A problem found in an IDL file; lines and columns count from 1."""

    def __new__(
        cls,
        severity: Literal["error", "warning"],
        message: str,
        file: str,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        hint: str | None = None,
        notes: Sequence[Note] = ...,
        snippet: str = ...,
        styled: str | None = None,
    ) -> Diagnostic: ...
    @property
    def severity(self) -> Literal["error", "warning"]: ...
    @property
    def message(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...
    @property
    def hint(self) -> str | None: ...
    @property
    def notes(self) -> list[Note]: ...
    @property
    def snippet(self) -> str:
        """The diagnostic rendered rustc-style, without colours."""
    @property
    def is_error(self) -> bool: ...
    def render(self, color: bool = False) -> str: ...
    def __reduce__(self) -> tuple[type[Diagnostic], tuple[object, ...]]: ...

@final
class Compilation:
    """The outcome of compiling one root file."""

    @property
    def root(self) -> str: ...
    @property
    def files(self) -> list[str]: ...
    @property
    def has_errors(self) -> bool: ...
    @property
    def diagnostics(self) -> list[Diagnostic]: ...
    @property
    def errors(self) -> list[Diagnostic]: ...
    @property
    def warnings(self) -> list[Diagnostic]: ...
    def render(self, color: bool = False) -> str: ...
    def ir_json(self) -> str:
        """The resolved IR as JSON; raises ThriftParseError when there were errors."""

def compile_idl(
    path: str | os.PathLike[str], include_dirs: Sequence[str | os.PathLike[str]] = ...
) -> Compilation: ...
def compile_idl_source(
    name: str, text: str, include_dirs: Sequence[str | os.PathLike[str]] = ...
) -> Compilation: ...

@final
class Limits:
    """Limits on what decoding accepts; each breach is a TProtocolException naming it."""

    def __new__(
        cls,
        *,
        max_string_len: int = 16777216,
        max_container_len: int = 16777216,
        max_depth: int = 64,
        max_message_size: int = 16777216,
    ) -> Limits: ...
    @property
    def max_string_len(self) -> int:
        """Longest string or binary (and message name), in bytes."""
    @property
    def max_container_len(self) -> int:
        """Most elements in a list, set or map."""
    @property
    def max_depth(self) -> int:
        """Deepest nesting of structs and containers; a top-level struct is depth 1."""
    @property
    def max_message_size(self) -> int:
        """Largest input accepted, in bytes."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def dumps(
    obj: object,
    protocol: str = "binary",
    *,
    limits: Limits | None = None,
) -> bytes: ...
def loads(
    cls: type[_T],
    data: bytes | bytearray | memoryview,
    protocol: str = "binary",
    *,
    strict: bool = False,
    limits: Limits | None = None,
) -> _T: ...
def encode_message(
    name: str,
    message_type: int,
    seqid: int,
    body: object,
    protocol: str = "binary",
    *,
    limits: Limits | None = None,
) -> bytes: ...
def decode_message(
    data: bytes | bytearray | memoryview,
    body_types: type | Mapping[str, type],
    protocol: str = "binary",
    *,
    strict: bool = False,
    limits: Limits | None = None,
) -> tuple[str, int, int, object | None]: ...

@final
class RpcClient:
    """A thread-safe pool of connections to one server, or to each instance of a discovered
    service (``thrifthive.Client``'s engine)."""

    def __new__(
        cls,
        address: str,
        *,
        transport: str = "buffered",
        protocol: str = "binary",
        timeout: float | None = None,
        connect_timeout: float = 10.0,
        compression: str | None = None,
        tls: bool = False,
        tls_ca: str | os.PathLike[str] | None = None,
        tls_cert: str | os.PathLike[str] | None = None,
        tls_key: str | os.PathLike[str] | None = None,
        tls_server_name: str | None = None,
        balance: str = "p2c",
        eject_after: int = 5,
        eject_for: float = 30.0,
        max_eject_for: float | None = None,
        max_ejected: float = 0.5,
    ) -> RpcClient: ...
    def call(
        self,
        name: str,
        args: object,
        result: type[_T] | None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        avoid: str | None = None,
        meter: CallMeter | None = None,
    ) -> _T | None: ...
    def close(self) -> None: ...
    def instances(self) -> list[dict[str, Any]]: ...
    def addresses(self) -> list[str]: ...

@final
class CallMeter:
    """The client metrics (thrift_client_*) of one method of one service."""

    def __new__(cls, service: str, method: str, *, oneway: bool) -> CallMeter: ...
    def unsent(self, error: BaseException, seconds: float) -> None: ...
    def retried(self) -> None: ...

@final
class Discovery:
    """A service's instances as a discovery URL reports them, and the choice per call."""

    def __new__(
        cls,
        url: str,
        *,
        balance: str = "p2c",
        eject_after: int = 5,
        eject_for: float = 30.0,
        max_eject_for: float | None = None,
        max_ejected: float = 0.5,
    ) -> Discovery: ...
    def pick(self, avoid: str | None = None) -> Picked | None: ...
    def pick_wait(self, timeout: float, avoid: str | None = None) -> Picked | None: ...
    def addresses(self) -> list[str]: ...
    def instances(self) -> list[dict[str, Any]]: ...
    @property
    def version(self) -> int: ...
    def note(self, address: str) -> str: ...
    def no_instances_error(self) -> BaseException: ...

@final
class Picked:
    """The instance a call goes to, counted in flight on it until the call is over:
    ``answered()``, ``failed()`` (the instance's failure, towards its ejection) or
    ``release()`` (no outcome)."""

    @property
    def address(self) -> str: ...
    def answered(self) -> None: ...
    def failed(self) -> None: ...
    def release(self) -> None: ...

@final
class Registration:
    """A server instance registered in etcd under a kept-alive lease."""

    def __new__(
        cls,
        url: str,
        name: str,
        id: str,
        address: str,
        *,
        weight: int = 1,
        metadata: str = "{}",
        ttl: float = 5.0,
    ) -> Registration: ...
    @property
    def key(self) -> str: ...
    def stop(self, timeout: float = 2.0) -> None: ...

@final
class ClientTarget:
    """Where and how ``thrifthive.AsyncClient`` connects; makes each connection's Pipeline."""

    def __new__(
        cls,
        address: str,
        *,
        transport: str = "buffered",
        protocol: str = "binary",
        timeout: float | None = None,
        connect_timeout: float = 10.0,
        compression: str | None = None,
    ) -> ClientTarget: ...
    @property
    def address(self) -> str: ...
    @property
    def timeout(self) -> float | None: ...
    def connect(self) -> int:
        """Blocks (GIL released) until connected; returns the socket's fd, non-blocking."""
    def closed_error(self, method: str) -> BaseException: ...
    def pipeline(self) -> Pipeline: ...

@final
class Pipeline:
    """The calls in flight on one AsyncClient connection; no IO of its own."""

    def send(
        self,
        name: str,
        args: object,
        result: type | None,
        future: object | None,
        timeout: float | None,
        headers: dict[str, str] | None = None,
        meter: CallMeter | None = None,
    ) -> int: ...
    def take(self) -> bytes: ...
    def feed(self, data: bytes) -> bool: ...
    def expire(self) -> float | None: ...
    def forget(self, seqid: int) -> None: ...
    def lost(self, error: BaseException | None, *, by_client: bool = False) -> None: ...
    @property
    def in_flight(self) -> int: ...
    @property
    def buffered(self) -> int: ...

@final
class BenchReport:
    """What a load run measured; latencies in seconds."""

    @property
    def calls(self) -> int: ...
    @property
    def errors(self) -> dict[str, int]: ...
    @property
    def elapsed(self) -> float: ...
    @property
    def calls_per_sec(self) -> float: ...
    @property
    def p50(self) -> float: ...
    @property
    def p90(self) -> float: ...
    @property
    def p99(self) -> float: ...
    @property
    def p999(self) -> float: ...
    @property
    def max(self) -> float: ...
    @property
    def mean(self) -> float: ...

def shown_address(address: str) -> str: ...
def bench(
    address: str,
    request: bytes,
    *,
    connections: int,
    duration: float,
    transport: str = "buffered",
    protocol: str = "binary",
    timeout: float | None = None,
    connect_timeout: float = 10.0,
    progress: Callable[[float, int, int, float], object] | None = None,
) -> BenchReport: ...

@final
class NativeServer:
    """The engine serving Python handlers; ``thrifthive.Server`` is the API over it."""

    def __new__(
        cls,
        router: Router,
        *,
        host: str,
        port: int,
        unix_socket: str | os.PathLike[str] | None,
        transport: str,
        protocol: str,
        max_frame_size: int,
        idle_timeout: float | None,
        max_connections: int,
        handler_threads: int,
        io_threads: int,
        reuse_port: bool,
        http_path: str = "/thrift",
        tls_cert: str | os.PathLike[str] | None = None,
        tls_key: str | os.PathLike[str] | None = None,
        tls_client_ca: str | os.PathLike[str] | None = None,
        metrics_port: int | None = None,
    ) -> NativeServer: ...
    @property
    def port(self) -> int | None: ...
    @property
    def metrics_port(self) -> int | None: ...
    @property
    def async_fd(self) -> int: ...
    def drain_async(
        self,
        create_task: Callable[[Coroutine[Any, Any, Any]], object],
        answer: Callable[[Coroutine[Any, Any, Any], Reply], Coroutine[Any, Any, None]],
    ) -> bool: ...
    def is_serving(self) -> bool: ...
    def stop(self, grace: float) -> None: ...

@final
class Route:
    """One method of a served service, bound to its handler."""

    def __new__(
        cls,
        service: str,
        reply_name: str,
        func: Callable[..., object],
        *,
        is_async: bool,
        args: type,
        arg_names: list[str],
        result: type | None,
        void: bool,
        throws: list[tuple[str, type[BaseException]]],
    ) -> Route: ...

def render_metrics() -> str:
    """The process's call metrics in Prometheus' text format."""

@final
class MetricsServer:
    """``/metrics`` served from a background thread, until closed."""

    def __new__(cls, host: str, port: int) -> MetricsServer: ...
    @property
    def port(self) -> int: ...
    def close(self) -> None: ...
    def __enter__(self) -> MetricsServer: ...
    def __exit__(self, *_exc: object) -> None: ...

@final
class Router:
    """Every route of a server by message name; calls are answered in Rust."""

    def __new__(
        cls,
        routes: dict[str, Route],
        log_exception: Callable[[str, BaseException], None],
        context_var: ContextVar[Any],
        context_class: Callable[[dict[str, str]], Any],
    ) -> Router: ...

@final
class Reply:
    """The reply of an ``async def`` method's call, sent once its coroutine is done."""

    def returned(self, value: object) -> None: ...
    def raised(self, exception: BaseException) -> None: ...
