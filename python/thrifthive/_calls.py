"""What :class:`~thrifthive.Client` and :class:`~thrifthive.AsyncClient` share around the wire:
finding a service's method by attribute name, checking the headers a client sends, and reading
the ``<method>_result`` struct a reply decodes to. (Arguments bind by calling the
``<method>_args`` class itself, positional or keyword, as the IDL names them.)"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from thrifthive.exceptions import TApplicationException
from thrifthive.service import Method, Service

__all__ = ["checked_headers", "method_of", "named", "result_reader"]

_F = TypeVar("_F", bound=Callable[..., Any])

# What an HTTP header name may be (RFC 9110's token).
_HTTP_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def method_of(service: Service, name: str) -> Method:
    """The method ``name`` of ``service``; AttributeError when it has none."""
    method = service.methods.get(name)
    if method is None:
        raise AttributeError(f"service {service.name!r} has no method {name!r}")
    return method


def checked_headers(transport: str, headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` as a client speaking ``transport`` sends them (THeader info headers, or HTTP
    headers): ValueError when the transport has no room for them or one cannot be an HTTP
    header, TypeError when one is not a ``str`` to ``str`` pair."""
    if transport not in ("header", "http"):
        raise ValueError(
            f'headers need transport="header" or an http:// address: the {transport} '
            "transport has no room for them"
        )
    checked = dict(headers)
    for key, value in checked.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"headers must map str to str, got {key!r}: {value!r}")
        if transport == "http" and (
            not _HTTP_TOKEN.fullmatch(key) or any(c in value for c in "\r\n\0")
        ):
            raise ValueError(f"{key!r}: {value!r} cannot be an HTTP header")
    return checked


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
