"""Retries of failed calls, shared by :class:`~thrifthive.Client` and
:class:`~thrifthive.AsyncClient` (each runs the loop, this module decides).

A call is retried only when running it again cannot do harm: it never reached a server (the
connection could not be made: ``TTransportException.unsent``), or its method is marked
``(hive.idempotent)`` in the IDL and it failed on the way (any other ``TTransportException``
but "client closed" and "no instances"). A declared exception, a ``TApplicationException`` or a
``TProtocolException`` is an answer, never retried.

Retries draw on a budget, as Finagle's ``RetryBudget`` does: each call deposits ``budget``
(0.2: a retry per five calls), each retry withdraws one, and a reserve refilled at
``min_per_second`` (up to that many) lets a client with few calls retry too. When both are
empty the call fails without a retry (counted in ``budget_exhausted``): a hive whose servers
all fail is not flooded with retries. Between attempts the client waits ``backoff * 2**n``
seconds, jittered between half and all of it. With ``retries=0`` the clients skip all of
this (and count nothing).
"""

from __future__ import annotations

import logging
import random
import threading
import time

from thrifthive import _native
from thrifthive.exceptions import TException, TTransportException
from thrifthive.service import Method

__all__ = ["Attempts", "RetryPolicy", "instance_failure"]

log = logging.getLogger("thrifthive.client")

# The most retries a quiet spell may bank, beyond the reserve.
_MAX_EARNED = 100.0


class RetryPolicy:
    """A client's retry settings, budget and counters (thread-safe)."""

    def __init__(self, retries: int, budget: float, backoff: float, min_per_second: float) -> None:
        if retries < 0:
            raise ValueError(f"retries must be 0 or more, got {retries}")
        if budget < 0 or min_per_second < 0 or backoff < 0:
            raise ValueError(
                "retry_budget, retry_min_per_second and retry_backoff must be 0 or more"
            )
        self.retries = retries
        self.budget = budget
        self.backoff = backoff
        self.min_per_second = min_per_second
        self._lock = threading.Lock()
        self._earned = 0.0
        self._reserve = min_per_second
        self._refilled = time.monotonic()
        self._calls = self._retried = self._exhausted = 0

    @property
    def stats(self) -> dict[str, int]:
        """``calls`` made, ``retries`` sent, and retries refused for want of budget
        (``budget_exhausted``)."""
        with self._lock:
            return {
                "calls": self._calls,
                "retries": self._retried,
                "budget_exhausted": self._exhausted,
            }

    def start(self, method: Method, meter: _native.CallMeter) -> Attempts:
        """A call of ``method`` begins: it deposits in the budget. Its retries are counted in
        ``meter``'s ``thrift_client_retries_total``."""
        with self._lock:
            self._calls += 1
            self._earned = min(self._earned + self.budget, _MAX_EARNED)
        return Attempts(self, method, meter)

    def _withdraw(self) -> bool:
        with self._lock:
            if self._earned >= 1.0:
                self._earned -= 1.0
            else:
                now = time.monotonic()
                refill = (now - self._refilled) * self.min_per_second
                self._reserve = min(self._reserve + refill, self.min_per_second)
                self._refilled = now
                if self._reserve < 1.0:
                    self._exhausted += 1
                    return False
                self._reserve -= 1.0
            self._retried += 1
            return True


def instance_failure(exc: TTransportException) -> bool:
    """Whether the server failed the call (could not be reached, hung up, timed out), not the
    client: NOT_OPEN without ``unsent`` is the client closed, or no instance known."""
    return exc.unsent or exc.type != TTransportException.NOT_OPEN


def retryable(method: Method, exc: BaseException) -> bool:
    """Whether running the call again cannot do harm (see the module docs)."""
    if not isinstance(exc, TTransportException):
        return False
    if exc.unsent:
        return True
    return method.idempotent and instance_failure(exc)


class Attempts:
    """The attempts of one call: after each failure, ``retry_after`` says how long to wait
    before the next one, or None when the call fails with that exception (noted with the
    attempts before it)."""

    def __init__(self, policy: RetryPolicy, method: Method, meter: _native.CallMeter) -> None:
        self._policy = policy
        self._method = method
        self._meter = meter
        self._failures: list[str] = []

    def retry_after(self, exc: TException) -> float | None:
        policy = self._policy
        attempt = len(self._failures) + 1
        if not retryable(self._method, exc):
            why = None if attempt == 1 else "not retryable"
        elif attempt > policy.retries:
            why = f"{policy.retries} retries" if policy.retries else None
        elif not policy._withdraw():
            why = "retry budget exhausted"
        else:
            why = ""
        if why is None:  # the first attempt, not retried: nothing to say
            return None
        failure = f"attempt {attempt}: {type(exc).__name__}: {exc}"
        notes = getattr(exc, "__notes__", None)
        if notes:
            failure += f" ({'; '.join(notes)})"
        if why:
            for earlier in self._failures:
                exc.add_note(earlier)
            plural = "s" if attempt > 1 else ""
            exc.add_note(f"{self._method.name} failed after {attempt} attempt{plural} ({why})")
            return None
        self._failures.append(failure)
        base = policy.backoff * 2.0 ** (attempt - 1)
        delay = base / 2 + random.random() * base / 2
        log.debug("retrying %s in %.3f s after %s", self._method.name, delay, failure)
        self._meter.retried()
        return delay
