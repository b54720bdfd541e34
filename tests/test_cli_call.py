"""``thrifthive call`` and ``thrifthive bench`` against thriftpy2's server in this process."""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from thrifthive.cli import main

from .test_client_servers import (
    ITEMS_IDL,
    Handler,
    free_port,
    raw_server,
    serve_thriftpy2,
    thriftpy2_module,
)


@pytest.fixture(scope="module")
def idl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "items.thrift"
    path.write_text(ITEMS_IDL)
    return path


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> str:
    module = thriftpy2_module(tmp_path_factory.mktemp("cli-tp2"))
    return f"127.0.0.1:{serve_thriftpy2(module, Handler(module))}"


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, json.loads(out) if out.strip() else None, err


def test_call_prints_the_reply(capsys: pytest.CaptureFixture[str], idl: Path, address: str) -> None:
    status, reply, _ = call(capsys, "call", address, "--idl", str(idl), "Items.get", '{"id": 5}')
    assert status == 0
    assert reply == {
        "id": 5,
        "name": "item5",
        "data": base64.b64encode(b"\x00\xff").decode(),
        "tags": ["a"],
        "color": "GREEN",
    }


def test_call_converts_arguments(
    capsys: pytest.CaptureFixture[str], idl: Path, address: str
) -> None:
    item = {"id": 1, "name": "x", "data": "AAE=", "tags": ["b"], "color": 1, "labels": {"3": "c"}}
    status, reply, _ = call(
        capsys, "call", address, "--idl", str(idl), "Items.echo", json.dumps({"item": item})
    )
    assert status == 0
    assert reply == {**item, "color": "RED"}


def test_call_void_and_declared_exception(
    capsys: pytest.CaptureFixture[str], idl: Path, address: str
) -> None:
    assert call(capsys, "call", address, "--idl", str(idl), "Items.touch", '{"id": 1}')[:2] == (
        0,
        None,
    )
    status, reply, _ = call(capsys, "call", address, "--idl", str(idl), "Items.get", '{"id": -2}')
    assert status == 1
    assert reply == {"exception": "NotFound", "value": {"message": "no item -2"}}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["Items.get", '{"id": "x"}'], "arguments.id: expected an integer, got a string"),
        (["Items.get", '{"ids": 1}'], "unknown field(s) ids"),
        (["Items.nope"], "has no method 'nope'"),
        (["Nope.get"], "has no service 'Nope'"),
        (["Items.echo", '{"item": {"color": "BLUE"}}'], "Color has no 'BLUE'"),
        (["Items.echo", '{"item": {"data": "!!"}}'], "binary is written in base64"),
        (["Items.get", '{"id": 1e400}'], "expected an integer"),
        (["Items.get", '{"id": 99999999999999999999}'], "out of range for i64"),
        (["Items.get", '{"id": '], "bad arguments for Items.get"),
    ],
)
def test_call_usage_errors(
    capsys: pytest.CaptureFixture[str], idl: Path, address: str, argv: list[str], message: str
) -> None:
    status, _, err = call(capsys, "call", address, "--idl", str(idl), *argv)
    assert status == 2
    assert message in err


def test_call_failure(capsys: pytest.CaptureFixture[str], idl: Path) -> None:
    port = free_port()
    status, _, err = call(capsys, "call", f"127.0.0.1:{port}", "--idl", str(idl), "Items.touch")
    assert status == 3
    assert f"TTransportException: connection refused by 127.0.0.1:{port}" in err


def test_bench(capsys: pytest.CaptureFixture[str], idl: Path, address: str) -> None:
    status = main(
        ["bench", address, "--idl", str(idl), "Items.get", '{"id": 1}', "-c", "2", "-d", "1.5"]
    )
    out, err = capsys.readouterr()
    assert status == 0
    assert "calls/s" in err  # the progress line
    assert "calls/s" in out
    assert "latency: p50" in out
    assert "errors: none" in out


def test_bench_counts_errors(capsys: pytest.CaptureFixture[str], idl: Path) -> None:
    def http(conn: socket.socket) -> None:
        conn.recv(1024)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    with raw_server(http) as port:
        status = main(
            ["bench", f"127.0.0.1:{port}", "--idl", str(idl), "Items.touch", "-c", "1", "-d", "1"]
        )
    out, _ = capsys.readouterr()
    assert status == 1  # no call succeeded
    assert "(not thrift: " in out


def test_bench_refused(capsys: pytest.CaptureFixture[str], idl: Path) -> None:
    port = free_port()
    status = main(["bench", f"127.0.0.1:{port}", "--idl", str(idl), "Items.touch", "-d", "1"])
    _, err = capsys.readouterr()
    assert status == 3
    assert "connection refused" in err
