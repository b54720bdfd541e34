"""Call metrics (thrifthive.metrics): counted per service, method and outcome by the server,
rendered in Prometheus' text format, and served at /metrics."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

import thrifthive
from thrifthive import metrics
from thrifthive.server import Server

SVC: Any = thrifthive.load_source(
    """
    exception Nope { 1: string why }
    service Metered {
      i32 half(1: i32 n) throws (1: Nope nope),
      oneway void poke(),
    }
    """,
    "test_metrics_metered",
)


class Metered:
    def half(self, n: int) -> int:
        if n < 0:
            raise SVC.Nope(why="negative")
        if n % 2:
            raise ValueError("odd")
        return n // 2

    def poke(self) -> None:
        pass


def sample(page: str, name: str, **labels: str) -> float:
    """The value of the sample ``name`` with exactly ``labels``; 0 if absent."""
    for line in page.splitlines():
        match = re.fullmatch(r"(\w+)\{(.*)\} (\S+)", line)
        if match is None or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match[2]))
        if found == labels:
            return float(match[3])
    return 0.0


def test_calls_are_counted_by_outcome_and_timed() -> None:
    labels = {"thrift_type": "call", "thrift_service": "Metered", "thrift_method": "half"}
    before = metrics.render()
    with (
        Server(SVC.Metered, Metered(), port=0, metrics_port=0) as server,
        thrifthive.Client(SVC.Metered, f"127.0.0.1:{server.port}") as client,
    ):
        assert client.half(4) == 2
        assert client.half(8) == 4
        with pytest.raises(SVC.Nope):
            client.half(-1)
        with pytest.raises(thrifthive.exceptions.TApplicationException):
            client.half(3)
        client.poke()
        assert server.metrics_port
        url = f"http://127.0.0.1:{server.metrics_port}/metrics"
        oneway = {"thrift_type": "oneway", "thrift_service": "Metered", "thrift_method": "poke"}
        deadline = time.monotonic() + 10
        while True:  # the oneway call is answered after the client's call returns
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
                page = response.read().decode()
            done = sample(page, "thrift_server_handled_total", **oneway, thrift_code="OK")
            if done > sample(before, "thrift_server_handled_total", **oneway, thrift_code="OK"):
                break
            assert time.monotonic() < deadline, "the oneway call was never counted"
            time.sleep(0.05)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{server.metrics_port}/nope", timeout=10)
        assert missing.value.code == 404

    def delta(name: str, **extra: str) -> float:
        return sample(page, name, **labels, **extra) - sample(before, name, **labels, **extra)

    assert delta("thrift_server_started_total") == 4
    assert delta("thrift_server_handled_total", thrift_code="OK") == 2
    assert delta("thrift_server_handled_total", thrift_code="Nope") == 1
    assert delta("thrift_server_handled_total", thrift_code="INTERNAL_ERROR") == 1
    assert delta("thrift_server_handling_seconds_count") == 4
    assert delta("thrift_server_handling_seconds_bucket", le="+Inf") == 4
    assert delta("thrift_server_handling_seconds_sum") > 0
    assert "# TYPE thrift_server_handling_seconds histogram" in page
    # The same registry, from Python.
    assert sample(metrics.render(), "thrift_server_started_total", **labels) >= 4
