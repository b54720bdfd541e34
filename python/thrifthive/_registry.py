"""A :class:`~thrifthive.Server`'s registration in the hive's registry (etcd): what it
registers, and when.

The record (address, weight, metadata) goes under ``<prefix>/<name>/<instance id>`` with a
lease that ``_native.Registration`` keeps alive in the background; the server registers once
it listens, and deregisters (revokes the lease) at the start of a graceful stop, before it
drains, so clients stop sending it calls while the calls in flight finish. Registration
failures are logged (logger ``thrifthive.registry``) and retried; the server serves anyway.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Mapping
from typing import Any

from thrifthive import _native

__all__ = ["Registry"]

# Addresses a server listens on that no client can call: it registers its host name instead.
_WILDCARDS = {"", "0.0.0.0", "::"}


class Registry:
    """Where and how a server registers; ``start`` registers one running instance."""

    def __init__(
        self,
        url: str,
        name: str,
        weight: int,
        metadata: Mapping[str, Any] | None,
        ttl: float,
        advertise: str | None,
    ) -> None:
        if weight < 1:
            raise ValueError(f"weight must be at least 1, got {weight}")
        self.url = url
        self.name = name
        self.weight = weight
        self.metadata = json.dumps(dict(metadata or {}))
        self.ttl = ttl
        self.advertise = advertise
        self._registration: _native.Registration | None = None

    def start(self, host: str, port: int | None) -> None:
        """Registers the instance listening at ``host:port`` (or ``advertise``)."""
        address = self.advertise
        if address is None:
            if port is None:
                raise ValueError("a server on a UNIX socket registers only with advertise=")
            host = socket.gethostname() if host in _WILDCARDS else host
            address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self._registration = _native.Registration(
            self.url,
            self.name,
            uuid.uuid4().hex,
            address,
            weight=self.weight,
            metadata=self.metadata,
            ttl=self.ttl,
        )

    @property
    def key(self) -> str | None:
        """The etcd key of the running instance."""
        return None if self._registration is None else self._registration.key

    def stop(self) -> None:
        """Deregisters, waiting a little for etcd to confirm; does nothing if not registered."""
        registration, self._registration = self._registration, None
        if registration is not None:
            registration.stop(2.0)
