"""What :class:`~thrifthive.Client` and :class:`~thrifthive.AsyncClient` share around the wire:
finding a service's method by attribute name, and reading the ``<method>_result`` struct a
reply decodes to. (Arguments bind by calling the ``<method>_args`` class itself, positional or
keyword, as the IDL names them.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from thrifthive.exceptions import TApplicationException
from thrifthive.service import Method, Service

__all__ = ["method_of", "named", "result_reader"]

_F = TypeVar("_F", bound=Callable[..., Any])


def method_of(service: Service, name: str) -> Method:
    """The method ``name`` of ``service``; AttributeError when it has none."""
    method = service.methods.get(name)
    if method is None:
        raise AttributeError(f"service {service.name!r} has no method {name!r}")
    return method


def result_reader(method: Method) -> Callable[[Any], Any]:
    """Turns the decoded ``<method>_result`` struct (None for a oneway call) into what the call
    returns: its ``success``, or raises the declared exception that is set. A method that
    returns a value but whose reply holds neither raises ``TApplicationException``
    ``MISSING_RESULT``, as Apache's clients do."""
    throws = tuple(method.throws)
    returns = method.return_spec is not None
    name = method.name

    def read(result: Any) -> Any:
        if result is None:  # oneway
            return None
        for field in throws:
            exception = getattr(result, field)
            if exception is not None:
                raise exception
        if not returns:
            return None
        success = result.success
        if success is None:
            raise TApplicationException(
                TApplicationException.MISSING_RESULT, f"{name} failed: unknown result"
            )
        return success

    return read


def named(call: _F, method: Method) -> _F:
    """``call`` with the method's name and IDL doc, as help() and tracebacks show them."""
    call.__name__ = call.__qualname__ = method.name
    call.__doc__ = method.doc
    return call
