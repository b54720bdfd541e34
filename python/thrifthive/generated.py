"""What the packages ``thrifthive gen`` writes import at run time.

A generated module declares each struct, union and exception as a class statement with its
annotations and an ``__init__`` signature, for type checkers and editors; :func:`struct` turns
the declaration into the class ``thrifthive.load`` would make (``_classes.new_class``: the same
slots, methods and codec contract), and :func:`complete` gives it its field specs once every
class of the module exists, as ``load`` does. A service is a :class:`~thrifthive.Service` made by
:func:`service` from the same specs. So generated and loaded classes share one implementation:
same behaviour, same bytes, same speed.

The typed clients are views of the untyped ones: :class:`ServiceClient` is a
:class:`thrifthive.Client` of the class's ``__service__`` (the generated class only declares the
methods' signatures), and :class:`AsyncServiceClient` forwards every call to a
:class:`thrifthive.AsyncClient`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Self, TypeVar, Unpack

from thrifthive import _classes, _methods
from thrifthive._classes import FieldSpec
from thrifthive._spec import DEFAULT, OPTIONAL, REQUIRED
from thrifthive._types import TypeSpec
from thrifthive.client import Client, ClientOptions

if TYPE_CHECKING:
    from thrifthive.async_client import AsyncClientOptions
from thrifthive.codec import FrozenDict
from thrifthive.exceptions import TException
from thrifthive.service import Service

__all__ = [
    "DEFAULT",
    "OPTIONAL",
    "REQUIRED",
    "AsyncServiceClient",
    "FrozenDict",
    "MethodDecl",
    "Service",
    "ServiceClient",
    "TException",
    "complete",
    "service",
    "struct",
]

C = TypeVar("C", bound=type)


def struct(kind: str, *, frozen: bool = False) -> Callable[[C], C]:
    """A class decorator: the class made for the declared one, of ``kind`` (``"struct"``,
    ``"union"`` or ``"exception"``), whose ``__match_args__`` names its fields in declaration
    order; ``frozen`` for ``(python.immutable)``. Only the declaration's name, module, qualname,
    docstring and field names are kept."""

    def make(declared: C) -> C:
        made = _classes.new_class(
            declared.__name__,
            kind,
            declared.__dict__["__match_args__"],
            module=declared.__module__,
            qualname=declared.__qualname__,
            doc=declared.__doc__,
            frozen=frozen,
        )
        return made  # type: ignore[return-value]

    return make


def complete(cls: type, spec: tuple[FieldSpec, ...]) -> None:
    """Gives a class made by :func:`struct` its fields' specs (``_spec`` describes them)."""
    _methods.set_fields(cls, spec)


class MethodDecl(NamedTuple):
    """A method of a service, as :func:`service` takes it."""

    name: str
    params: tuple[FieldSpec, ...]
    returns: TypeSpec | None
    throws: tuple[FieldSpec, ...]
    oneway: bool = False
    doc: str | None = None
    annotations: Mapping[str, str] | None = None


def service(
    name: str,
    module: str,
    functions: Sequence[MethodDecl],
    *,
    extends: Service | None = None,
    doc: str | None = None,
) -> Service:
    """The descriptor of the service ``name`` declared in ``module``."""
    methods = [
        _methods.method(
            f.name,
            module=module,
            service=name,
            oneway=f.oneway,
            params=f.params,
            returns=f.returns,
            throws=f.throws,
            doc=f.doc,
            annotations=f.annotations,
        )
        for f in functions
    ]
    return Service(name, methods, extends=extends, doc=doc)


class ServiceClient(Client):
    """A :class:`thrifthive.Client` of the subclass's ``__service__``."""

    __service__: ClassVar[Service]

    def __init__(self, address: str, **options: Unpack[ClientOptions]) -> None:
        super().__init__(self.__service__, address, **options)


class AsyncServiceClient:
    """Forwards every method call to a ``thrifthive.AsyncClient`` of the subclass's
    ``__service__``, made with the same arguments."""

    __service__: ClassVar[Service]

    def __init__(self, address: str, **options: Unpack[AsyncClientOptions]) -> None:
        # Here, not at import time: thrifthive's package imports this module's peers.
        from thrifthive.async_client import AsyncClient

        self.client: Any = AsyncClient(self.__service__, address, **options)

    def __getattr__(self, name: str) -> Any:
        if name not in self.__service__.methods:
            raise AttributeError(f"service {self.__service__.name!r} has no method {name!r}")
        call = getattr(self.client, name)
        setattr(self, name, call)  # the next lookup does not come here
        return call

    def with_headers(self, headers: Mapping[str, str]) -> Self:
        """This typed client over ``self.client.with_headers(headers)``: its calls also send
        ``headers`` (``transport="header"``), sharing the connections."""
        view = object.__new__(type(self))
        view.client = self.client.with_headers(headers)
        return view

    async def close(self) -> None:
        """Closes the underlying client's connections."""
        await self.client.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} over {self.client!r}>"
