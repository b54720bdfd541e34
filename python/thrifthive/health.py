"""The health service every :class:`thrifthive.Server` answers (``health.thrift`` beside this
module), multiplexed as ``"thrifthive.Health"``, modelled on gRPC's health checking protocol.

``check(service)`` gives the status of a served service, or of the server as a whole for ``""``:
``SERVING`` once started, ``NOT_SERVING`` from the start of a graceful stop (so that load
balancers drain it) or when set so with :meth:`thrifthive.Server.set_serving`, and
``SERVICE_UNKNOWN`` for a name the server does not serve. ``ping()`` answers as long as the
server serves; it is also answered under the plain name ``ping`` when the served services have
no ``ping`` of their own, for health checkers that call a method by name (Envoy's).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from thrifthive.loader import load

__all__ = ["SERVICE_NAME", "HealthState", "ServingStatus", "module"]

SERVICE_NAME = "thrifthive.Health"

module: Any = load(
    Path(__file__).with_name("health.thrift"), module_name="thrifthive.health_thrift"
)
ServingStatus: Any = module.ServingStatus


class HealthState:
    """The statuses a server reports: one per served service, and the server's own (``""``).
    Also the handler of the health service."""

    def __init__(self, services: list[str]) -> None:
        self._lock = threading.Lock()
        self._statuses: dict[str, Any] = dict.fromkeys(["", *services], ServingStatus.SERVING)

    def set(self, serving: bool, service: str | None = None) -> None:
        """Sets one service's status, or with ``service=None`` every status."""
        status = ServingStatus.SERVING if serving else ServingStatus.NOT_SERVING
        with self._lock:
            if service is None:
                self._statuses = dict.fromkeys(self._statuses, status)
            elif service in self._statuses:
                self._statuses[service] = status
            else:
                raise ValueError(f"{service!r} is not served here (serves {self.services()})")

    def services(self) -> list[str]:
        return [name for name in self._statuses if name]

    def check(self, service: str) -> Any:
        with self._lock:
            status = self._statuses.get(service or "", ServingStatus.SERVICE_UNKNOWN)
        return module.HealthCheckResponse(status=status)

    def ping(self) -> None:
        return None
