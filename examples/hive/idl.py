"""The hive's IDL, loaded once: edge.thrift and, as its submodules, the files it includes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import thrifthive

HERE = Path(__file__).resolve().parent

edge: Any = thrifthive.load(HERE / "edge.thrift", module_name="hive_edge")
users: Any = edge.user_service
orders: Any = edge.orders
shared: Any = edge.shared


def now_ms() -> int:
    return int(time.time() * 1000)


class Base:
    """shared.BaseService, which every service of the hive extends."""

    name = "hive"

    def ping(self) -> str:
        return self.name

    def info(self) -> dict[str, str]:
        return {"service": self.name, "thrifthive": thrifthive.__version__}
