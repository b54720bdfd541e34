"""Generated classes behave like ``thrifthive.load()``'s: the same specs, annotations, defaults
and behaviour, the same bytes (binary and compact) and each decodes the other's; a generated
service is served by ``thrifthive.Server`` and called by its typed clients over 127.0.0.1.

The package is generated from the snapshot IDL (tests/gen_snapshot/idl/hive.thrift) into a
temporary directory and imported from there.
"""

from __future__ import annotations

import asyncio
import enum
import importlib
import inspect
import pickle
import sys
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive import gen
from thrifthive.context import DEADLINE_HEADER
from thrifthive.exceptions import TTransportException

from .support import REPO
from .test_retry import HangUp

IDL = REPO / "tests" / "gen_snapshot" / "idl" / "hive.thrift"
EDGE = REPO / "tests" / "gen_typing" / "edge.thrift"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("generated")
    gen.write(gen.package(IDL), root)
    gen.write(gen.package(EDGE), root)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("hive.users")
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.partition(".")[0] in ("hive", "edge")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def loaded() -> ModuleType:
    return thrifthive.load(IDL)


def _names(value: object, generated: ModuleType) -> str:
    """``repr(value)`` with the generated modules' names as load()'s name them."""
    return (
        repr(value).replace("hive.users.", "hive_thrift.").replace("hive.shared.", "shared_thrift.")
    )


STRUCTS = ["Address", "User", "Move", "Key", "Invalid"]


@pytest.mark.parametrize("name", STRUCTS)
def test_classes_have_the_same_specs_and_annotations(
    generated: ModuleType, loaded: ModuleType, name: str
) -> None:
    made, reference = getattr(generated, name), getattr(loaded, name)
    assert made.__thrift_kind__ == reference.__thrift_kind__
    assert made.__slots__ == reference.__slots__
    assert made.__match_args__ == reference.__match_args__
    assert inspect.getdoc(made) == inspect.getdoc(reference)
    assert made.__bases__ == reference.__bases__
    assert _names(made.__thrift_spec__, generated) == _names(reference.__thrift_spec__, loaded)
    assert _names(made.__annotations__, generated) == _names(reference.__annotations__, loaded)
    assert made.__module__ == "hive.users"
    assert made.__qualname__ == name


def test_enums_typedefs_and_consts_match(generated: ModuleType, loaded: ModuleType) -> None:
    assert issubclass(generated.Status, enum.IntEnum)
    assert [(m.name, m.value) for m in generated.Status] == [
        (m.name, m.value) for m in loaded.Status
    ]
    # The same text: a class statement's docstring keeps its indentation.
    assert inspect.getdoc(generated.Status) == inspect.getdoc(loaded.Status)
    assert generated.UserId is loaded.UserId is int
    assert generated.Names is loaded.Names is list
    assert generated.MAX_USERS == loaded.MAX_USERS == 100
    assert type(generated.RESERVED) is type(loaded.RESERVED) is frozenset
    assert generated.RESERVED == loaded.RESERVED
    for const in ("ADDRESSES", "ROOT"):
        made, reference = getattr(generated, const), getattr(loaded, const)
        assert _names(made, generated) == _names(reference, loaded)
    assert thrifthive.dumps(generated.ROOT) == thrifthive.dumps(loaded.ROOT)
    assert generated.shared.NotFound.__module__ == "hive.shared"


def test_defaults_are_load_s_and_copied_per_instance(
    generated: ModuleType, loaded: ModuleType
) -> None:
    made, reference = generated.User(id=1), loaded.User(id=1)
    assert _names(made, generated) == _names(reference, loaded)
    assert made.address == generated.Address(street="Rue", city="Lyon")
    assert made.avatar == "é\n".encode()
    assert made.counters is not generated.User(id=2).counters


def _users(module: ModuleType) -> Any:
    return module.User(
        id=7,
        name="ann",
        tags=["a", "b"],
        status=module.Status.BANNED,
        counters={"x": 1},
        paths={(1, 2), ()},
        address=module.Address(street="Main", city="Paris"),
        avatar=b"\x00\xff",
        score=-2.5,
        key=uuid.UUID(int=5),
        list=3,
    )


@pytest.mark.parametrize("protocol", ["binary", "compact"])
def test_same_bytes_and_each_decodes_the_other(
    generated: ModuleType, loaded: ModuleType, protocol: str
) -> None:
    made, reference = _users(generated), _users(loaded)
    data = thrifthive.dumps(made, protocol)
    assert data == thrifthive.dumps(reference, protocol)
    assert thrifthive.loads(loaded.User, data, protocol) == reference
    assert thrifthive.loads(generated.User, thrifthive.dumps(reference, protocol), protocol) == made
    key = generated.Key(name="ann")
    assert thrifthive.dumps(key, protocol) == thrifthive.dumps(loaded.Key(name="ann"), protocol)
    move = generated.Move(**{"from": "a", "to": "b"})
    decoded = thrifthive.loads(loaded.Move, thrifthive.dumps(move, protocol), protocol)
    assert getattr(decoded, "from") == "a"


def test_instances_behave_like_loaded_ones(generated: ModuleType) -> None:
    user = _users(generated)
    assert user == _users(generated)
    assert len({user, _users(generated)}) == 1  # hashed by value
    assert pickle.loads(pickle.dumps(user)) == user
    with pytest.raises(TypeError, match="immutable"):
        user.address.city = "Rome"
    assert generated.Key(id=1)._field == "id"
    error = generated.shared.NotFound(message="no such user", id=3)
    assert isinstance(error, thrifthive.exceptions.TException)
    assert str(error) == "no such user"
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        generated.User(nope=1)


def test_services_match(generated: ModuleType, loaded: ModuleType) -> None:
    made, reference = generated.Users, loaded.Users
    assert isinstance(made, thrifthive.Service)
    assert (
        list(made.methods)
        == list(reference.methods)
        == [
            "ping",
            "get",
            "create",
            "find",
            "forget",
            "rename",
        ]
    )
    assert made.__doc__ == reference.__doc__
    for name, method in made.functions.items():
        other = reference.functions[name]
        assert (method.oneway, method.doc) == (other.oneway, other.doc)
        assert method.annotations == other.annotations
        assert method.idempotent == other.idempotent
        for part in ("args", "result"):
            mine, theirs = getattr(method, part), getattr(other, part)
            assert (mine is None) == (theirs is None)
            if mine is not None:
                assert mine.__qualname__ == theirs.__qualname__ == f"Users.{name}_{part}"
                assert _names(mine.__thrift_spec__, generated) == _names(
                    theirs.__thrift_spec__, loaded
                )
        assert list(method.throws) == list(other.throws)
    assert made.methods["get"].annotations == {"hive.idempotent": ""}
    assert made.methods["get"].idempotent
    assert not made.methods["rename"].idempotent


class _Handler:
    def __init__(self, generated: ModuleType) -> None:
        self.m = generated
        self.forgotten: list[int] = []

    def ping(self) -> bool:
        return True

    def get(self, id: int) -> Any:
        if id < 0:
            raise self.m.shared.NotFound(message=f"no user {id}", id=id)
        return self.m.User(id=id, name=f"user{id}")

    def create(self, user: Any, notify: bool) -> int:
        return int(user.id) + (100 if notify else 0)

    def find(self, keys: set[Any]) -> dict[Any, Any]:
        return {key: self.m.User(id=key.id) for key in keys}

    def forget(self, id: int) -> None:
        self.forgotten.append(id)

    def rename(self, id: int, new: str) -> None:
        pass


def test_generated_service_is_served_and_called_by_the_typed_client(
    generated: ModuleType,
) -> None:
    handler = _Handler(generated)
    server = thrifthive.Server(generated.Users, handler, host="127.0.0.1", port=0)
    with server, generated.UsersClient(f"127.0.0.1:{server.port}", protocol="compact") as client:
        assert isinstance(client, thrifthive.Client)
        assert client.ping() is True  # inherited from shared.Base
        assert client.get(5) == generated.User(id=5, name="user5")
        with pytest.raises(generated.shared.NotFound, match="no user -1"):
            client.get(-1)
        assert client.create(generated.User(id=1)) == 101  # notify defaults to true
        assert client.create(generated.User(id=1), False) == 1
        key = generated.Key(id=3)
        assert client.find({key}) == {key: generated.User(id=3)}
        client.rename(1, "new")
        client.forget(9)
        assert client.ping()  # the oneway call has been read by now
    assert handler.forgotten == [9]


def test_the_typed_async_client_calls_a_served_generated_service(
    generated: ModuleType,
) -> None:
    handler = _Handler(generated)

    async def use(port: int) -> list[Any]:
        async with generated.UsersAsyncClient(f"127.0.0.1:{port}", timeout=5.0) as client:
            assert isinstance(client.client, thrifthive.AsyncClient)
            users = await asyncio.gather(*(client.get(i) for i in range(3)))
            with pytest.raises(generated.shared.NotFound, match="no user -1"):
                await client.get(-1)
            return list(users)

    with thrifthive.Server(generated.Users, handler, host="127.0.0.1", port=0) as server:
        assert server.port is not None
        got = asyncio.run(use(server.port))
    assert got == [generated.User(id=i, name=f"user{i}") for i in range(3)]


def test_the_typed_async_client_takes_the_theader_options(generated: ModuleType) -> None:
    class Traced(_Handler):
        def get(self, id: int) -> Any:
            user = super().get(id)
            headers = thrifthive.current_request().headers
            user.name = ",".join(
                f"{k}={v}" for k, v in sorted(headers.items()) if k != DEADLINE_HEADER
            )
            return user

    async def use(port: int) -> list[str]:
        async with generated.UsersAsyncClient(
            f"127.0.0.1:{port}", transport="header", compression="zlib", timeout=5.0,
            headers={"caller": "typed"},
        ) as client:  # fmt: skip
            traced = client.with_headers({"trace-id": "t-1"})
            assert type(traced) is type(client)
            return [(await client.get(1)).name, (await traced.get(2)).name]

    with thrifthive.Server(generated.Users, Traced(generated), host="127.0.0.1", port=0) as server:
        assert server.port is not None
        names = asyncio.run(use(server.port))
    assert names == ["caller=typed", "caller=typed,trace-id=t-1"]


def test_the_typed_client_retries_only_idempotent_methods_after_a_transport_failure(
    generated: ModuleType,
) -> None:
    hang_up = HangUp()  # reads each request, then closes: the call may have run
    try:
        address = f"127.0.0.1:{hang_up.port}"
        with generated.UsersClient(address, retries=2, retry_backoff=0.0) as client:
            with pytest.raises(TTransportException) as idempotent:
                client.get(1)  # (hive.idempotent): sent 3 times
            assert hang_up.requests == 3
            assert client.retry_stats["retries"] == 2
            assert idempotent.value.__notes__[-1] == "get failed after 3 attempts (2 retries)"
            with pytest.raises(TTransportException):
                client.rename(1, "new")  # not idempotent: sent once
            assert hang_up.requests == 4
            assert client.retry_stats["retries"] == 2
    finally:
        hang_up.close()


def test_names_python_reserves_work_as_in_load(generated: ModuleType) -> None:
    edge, loaded = importlib.import_module("edge"), thrifthive.load(EDGE)
    assert [(m.name, m.value) for m in edge.Kw] == [("None", 1), ("class", 2), ("ok", 3)]
    assert edge.UNNAMED == 7
    assert type(edge.UNNAMED) is int  # a value Kw does not name stays an int
    odd = edge.Odd(1, "s", "n", edge.int(x=2))
    reference = loaded.Odd(1, "s", "n", loaded.int(x=2))
    assert thrifthive.dumps(odd) == thrifthive.dumps(reference)
    assert odd.k is edge.Kw.ok
    assert inspect.getdoc(edge.Odd) == inspect.getdoc(loaded.Odd)
    assert '"""triple quotes"""' in (inspect.getdoc(edge.Odd) or "")
    assert edge.QUOTES == loaded.QUOTES == 'it\'s "quoted" \\ back'
    assert edge.BIG == 1e300
    assert edge.FROZEN == loaded.FROZEN == frozenset({1, 2})  # not the IDL's struct frozenset
    assert thrifthive.dumps(edge.U(_field=3)) == thrifthive.dumps(loaded.U(_field=3))
    assert str(edge.X(args=[1], message="m")) == "m"
    assert list(edge.S.methods) == ["close", "f"]


def test_client_options_are_exactly_client_s_keyword_options() -> None:
    # The typed clients take **options: ClientOptions and pass them to thrifthive.Client.
    from thrifthive.client import ClientOptions

    keywords = [
        name
        for name, p in inspect.signature(thrifthive.Client).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert list(ClientOptions.__annotations__) == keywords
