"""The request being handled: :func:`current_request` inside a handler method.

A call that comes in a THeader frame may carry info headers, string key/value pairs that a client
sets per call (``client.with_headers({...})``) to pass metadata along: a trace id, a caller name,
a deadline. A handler reads them, in a sync or an ``async def`` method alike::

    class Users:
        def getUserById(self, user_id):
            trace = thrifthive.current_request().headers.get("trace-id")

The value lives in a :class:`contextvars.ContextVar`, set by the server around the handler call
(and, for an ``async def`` method, in the context its task runs in), so tasks and threads the
handler starts with the context copied see it too. Calls without info headers (every framed or
buffered call) see an empty context: setting it costs them nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from types import MappingProxyType

__all__ = ["RequestContext", "current_request"]


class RequestContext:
    """What a handler can know about the call it is answering.

    ``headers``: the call's THeader info headers, read-only; empty when it brought none. Bytes
    that are not UTF-8 (the wire carries bytes) are replaced with U+FFFD.
    """

    __slots__ = ("headers",)

    def __init__(self, headers: Mapping[str, str]) -> None:
        self.headers: Mapping[str, str] = MappingProxyType(dict(headers))

    def __repr__(self) -> str:
        return f"RequestContext(headers={dict(self.headers)!r})"


_EMPTY = RequestContext({})

_current: ContextVar[RequestContext] = ContextVar("thrifthive.current_request", default=_EMPTY)


def current_request() -> RequestContext:
    """The call being answered: inside a handler method, its context; elsewhere an empty one."""
    return _current.get()
