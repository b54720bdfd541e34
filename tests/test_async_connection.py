"""One AsyncClient connection (``thrifthive._async_connection``) over a recording transport, on
asyncio's default loop and on uvloop: the requests of one loop iteration leave in one write, and
replies complete their calls however the bytes are cut."""

from __future__ import annotations

import asyncio
import struct
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive import _native
from thrifthive._async_connection import Connection
from thrifthive.codec import MessageType, decode_message, encode_message

from .support import run
from .test_client_servers import ITEMS_IDL


@pytest.fixture(scope="module")
def items() -> ModuleType:
    return thrifthive.load_source(ITEMS_IDL, "async_connection_items")


class Recorder:
    """A transport that records what is written."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True


def frames(data: bytes) -> list[bytes]:
    out = []
    while data:
        (length,) = struct.unpack(">i", data[:4])
        out.append(data[4 : 4 + length])
        data = data[4 + length :]
    return out


def connected(transport: str) -> tuple[Connection, Recorder]:
    target = _native.ClientTarget("127.0.0.1:1", transport=transport)
    connection = Connection(target.pipeline(), asyncio.get_running_loop(), lambda c: None)
    recorder = Recorder()
    connection.connection_made(recorder)  # type: ignore[arg-type]
    return connection, recorder


def test_one_write_per_iteration(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    async def main() -> None:
        connection, recorder = connected("framed")
        futures = [
            connection.request("get", items.Items.get_args(id=i), items.Items.get_result, None)
            for i in range(100)
        ]
        assert recorder.writes == []  # not yet: the flush runs once the iteration is over
        await asyncio.sleep(0)
        assert len(recorder.writes) == 1
        sent = frames(recorder.writes[0])
        requests: list[Any] = [decode_message(m, items.Items.get_args) for m in sent]
        assert [(r.name, r.type, r.body.id) for r in requests] == [
            ("get", MessageType.CALL, i) for i in range(100)
        ]
        assert [seqid for _, seqid in futures] == [r.seqid for r in requests]
        connection.close()
        assert recorder.closed

    run(loop_runner, main())


def test_replies_cut_anywhere(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    """Buffered replies fed a byte at a time, out of order, complete their own calls."""

    async def main() -> None:
        connection, _ = connected("buffered")
        calls = [
            connection.request("get", items.Items.get_args(id=i), items.Items.get_result, None)
            for i in range(3)
        ]
        stream = b"".join(
            encode_message(
                "get", MessageType.REPLY, seqid, items.Items.get_result(success=items.Item(id=i))
            )
            for i, (_, seqid) in reversed(list(enumerate(calls)))
        )
        for i in range(len(stream)):
            connection.data_received(stream[i : i + 1])
        results = await asyncio.gather(*(future for future, _ in calls))
        assert [r.success.id for r in results] == [0, 1, 2]
        assert connection.pipeline.in_flight == 0

    run(loop_runner, main())
