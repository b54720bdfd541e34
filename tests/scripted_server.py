"""A Thrift server scripted by the test (no tests here), for the AsyncClient tests: it runs in
the test's own event loop, framed binary, records every request it receives (decoded), and
answers only when, in the order and in the way the test says, so that tests can hold replies,
answer out of order, answer late, answer nonsense or hang up."""

from __future__ import annotations

import asyncio
import socket
import struct
from dataclasses import dataclass
from typing import Any

from thrifthive.codec import MessageType, decode_message, encode_message
from thrifthive.service import Service


@dataclass
class Request:
    connection: int  # the index of the connection it came on
    name: str
    type: MessageType
    seqid: int
    args: Any


class ScriptedServer:
    """``async with ScriptedServer(service) as server``: listens on 127.0.0.1:``server.port``."""

    def __init__(self, service: Service, service_name: str | None = None) -> None:
        prefix = f"{service_name}:" if service_name else ""
        self.arg_types = {prefix + name: m.args for name, m in service.methods.items()}
        self.results = {
            prefix + name: m.result for name, m in service.methods.items() if m.result is not None
        }
        self.requests: list[Request] = []
        self.writers: list[asyncio.StreamWriter] = []
        self.client_closed: list[asyncio.Event] = []  # set when the client closes a connection
        self._arrived = asyncio.Event()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self.writers:
            writer.close()
        await self._server.wait_closed()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def wait_requests(self, count: int) -> list[Request]:
        """Waits until ``count`` requests arrived in all; returns them all."""
        while len(self.requests) < count:
            self._arrived.clear()
            await self._arrived.wait()
        return self.requests

    def reply(self, request: Request, **result: Any) -> None:
        """Answers ``request`` with its ``<method>_result`` struct holding ``result``."""
        body = self.results[request.name](**result)
        self.send(request.connection, encode_message(request.name, MessageType.REPLY,
                                                     request.seqid, body))  # fmt: skip

    def send(self, connection: int, message: bytes) -> None:
        """Writes one message, framed, on a connection."""
        self.writers[connection].write(struct.pack(">i", len(message)) + message)

    def send_raw(self, connection: int, data: bytes) -> None:
        self.writers[connection].write(data)

    def hang_up(self, connection: int) -> None:
        self.writers[connection].close()

    def reset(self, connection: int) -> None:
        """Closes the connection with a TCP reset (SO_LINGER 0) rather than an orderly FIN."""
        writer = self.writers[connection]
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = len(self.writers)
        self.writers.append(writer)
        self.client_closed.append(asyncio.Event())
        try:
            while True:
                (length,) = struct.unpack(">i", await reader.readexactly(4))
                data = await reader.readexactly(length)
                name, kind, seqid, args = decode_message(data, self.arg_types)
                self.requests.append(Request(index, name, kind, seqid, args))
                self._arrived.set()
        except (asyncio.IncompleteReadError, ConnectionError):
            self.client_closed[index].set()
            writer.close()
