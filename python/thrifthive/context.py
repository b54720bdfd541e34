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

Deadlines: a header-transport :class:`~thrifthive.Client` or :class:`~thrifthive.AsyncClient`
sends its call's deadline as the info header ``thrifthive-deadline-ms``, the milliseconds left
when the call is sent (relative, so the two machines' clocks need not agree). The server turns
it into ``current_request().deadline``, a :func:`time.monotonic` instant, on arrival;
``remaining()`` is the time left. A client used inside a handler (sync or ``async def``)
propagates: it forwards the request's info headers (all but the deadline header) under its
own, and its call's deadline is the smaller of its timeout and the request's remaining time;
once that has passed, its calls fail at once, unsent (see :func:`outgoing`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextvars import ContextVar
from types import MappingProxyType

from thrifthive.exceptions import TTransportException

__all__ = ["DEADLINE_HEADER", "RequestContext", "current_request"]

# The info header that carries a call's deadline: milliseconds left when it was sent.
DEADLINE_HEADER = "thrifthive-deadline-ms"


class RequestContext:
    """What a handler can know about the call it is answering.

    ``headers``: the call's THeader info headers, read-only; empty when it brought none. Bytes
    that are not UTF-8 (the wire carries bytes) are replaced with U+FFFD.

    ``deadline``: when the caller stops waiting, as a :func:`time.monotonic` instant computed on
    arrival from the ``thrifthive-deadline-ms`` header; None when the call brought none (or one
    that is not a whole number of milliseconds).
    """

    __slots__ = ("deadline", "headers")

    def __init__(self, headers: Mapping[str, str]) -> None:
        self.headers: Mapping[str, str] = MappingProxyType(dict(headers))
        self.deadline: float | None = None
        millis = self.headers.get(DEADLINE_HEADER)
        if millis is not None and millis.isascii() and millis.isdigit():
            self.deadline = time.monotonic() + int(millis) / 1000

    def remaining(self) -> float | None:
        """Seconds left before the deadline (negative once it has passed); None without one."""
        if self.deadline is None:
            return None
        return self.deadline - time.monotonic()

    def __repr__(self) -> str:
        return f"RequestContext(headers={dict(self.headers)!r})"


_EMPTY = RequestContext({})

_current: ContextVar[RequestContext] = ContextVar("thrifthive.current_request", default=_EMPTY)


def current_request() -> RequestContext:
    """The call being answered: inside a handler method, its context; elsewhere an empty one."""
    return _current.get()


def outgoing(
    method: str, headers: dict[str, str] | None, timeout: float | None, propagate: bool
) -> tuple[dict[str, str] | None, float | None]:
    """What a client call of ``method`` made now sends, given the client's ``headers`` and
    ``timeout``: its info headers, and the bound on its wait, the smaller of ``timeout`` and
    the time left of the request being handled, if any (None when neither bounds it).

    With ``propagate`` (a header-transport client), the headers are the current request's
    metadata (its info headers but the deadline) under ``headers``, and the deadline header
    when the call has a deadline. Raises TTransportException TIMED_OUT, before anything is
    sent, once the request's deadline has passed."""
    current = _current.get()
    remaining = current.remaining()
    if remaining is not None and remaining <= 0:
        raise TTransportException(
            TTransportException.TIMED_OUT,
            f"the deadline of the request being handled passed {-remaining:.3f}s ago: "
            f"{method} not sent",
        )
    bound = timeout if remaining is None else min(remaining, timeout or remaining)
    if not propagate:
        return headers, bound
    if current.headers:
        forwarded = {k: v for k, v in current.headers.items() if k != DEADLINE_HEADER}
        headers = {**forwarded, **(headers or {})}
    if bound is not None:
        headers = {**(headers or {}), DEADLINE_HEADER: str(max(1, round(bound * 1000)))}
    return headers, bound
