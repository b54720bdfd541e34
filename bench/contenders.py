"""The contenders: each builds its objects from the workload once, then offers ``encode()`` and
``decode(data)`` on them. A contender that is not installed (or does not work here) is reported
with the reason and left out of the run.

Every library is called the way its users call it: thrifthive ``dumps``/``loads``; Apache's
generated ``write``/``read`` on a ``TMemoryBuffer`` with the accelerated protocols (fastbinary);
thriftpy2's ``serialize``/``deserialize`` (its Cython binary protocol and memory buffer, and its
compact protocol); msgspec's msgpack ``Encoder``/``Decoder`` with ``msgspec.Struct`` classes of
the same shape; thriftrs2's ``ThriftStruct.serialize``/``deserialize`` (it encodes from dicts).
"""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .workload import BENCH_IDL, BLOB_IDL, build_page


class Unavailable(Exception):
    """The contender cannot run here; the message says why."""


@dataclass
class Codec:
    """One contender on one protocol, ready to time."""

    name: str
    protocol: str
    encode: Callable[[], bytes]
    decode: Callable[[bytes], Any]
    # Whether this row is thrifthive's (the floors apply to it).
    ours: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.name}-{self.protocol}"


# -- thrifthive -------------------------------------------------------------------------------


def _thrifthive() -> ModuleType:
    import thrifthive

    missing = [n for n in ("load", "load_source", "dumps", "loads") if not hasattr(thrifthive, n)]
    if missing:
        raise Unavailable(f"thrifthive has no {', '.join(missing)} yet")
    return thrifthive


def _thrifthive_page(th: ModuleType, page: dict[str, Any]) -> tuple[ModuleType, Any]:
    mod = th.load(str(BENCH_IDL), module_name="bench_thrifthive")

    return mod, build_page(mod, page, mod.Status)


def thrifthive_codecs(page: dict[str, Any]) -> list[Codec]:
    th = _thrifthive()
    mod, obj = _thrifthive_page(th, page)
    dumps, loads, cls = th.dumps, th.loads, mod.UserPage
    return [
        Codec(
            "thrifthive",
            protocol,
            encode=lambda p=protocol: dumps(obj, protocol=p),  # type: ignore[misc]
            decode=lambda data, p=protocol: loads(cls, data, protocol=p),  # type: ignore[misc]
            ours=True,
        )
        for protocol in ("binary", "compact")
    ]


def thrifthive_blob(blob: bytes) -> list[Codec]:
    th = _thrifthive()
    mod = th.load_source(BLOB_IDL, "bench_blob")
    obj, cls = mod.Blob(data=blob), mod.Blob
    dumps, loads = th.dumps, th.loads
    return [
        Codec(
            "thrifthive",
            protocol,
            encode=lambda p=protocol: dumps(obj, protocol=p),  # type: ignore[misc]
            decode=lambda data, p=protocol: loads(cls, data, protocol=p),  # type: ignore[misc]
            ours=True,
        )
        for protocol in ("binary", "compact")
    ]


# -- Apache Thrift (fastbinary) ---------------------------------------------------------------


def _apache_generate(idl: Path, out: Path) -> ModuleType:
    compiler = shutil.which("thrift")
    if compiler is None:
        raise Unavailable("the Apache Thrift compiler `thrift` is not on PATH (make setup)")
    try:
        importlib.import_module("thrift.protocol.fastbinary")
    except ImportError as e:
        raise Unavailable(f"Apache Thrift's fastbinary does not import: {e}") from e
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [compiler, "--gen", "py", "-out", str(out), str(idl)], check=True, capture_output=True
    )
    (ttypes,) = out.glob("*/ttypes.py")
    # Loaded under a name of its own: bench.thrift's `namespace py bench` would clash with us.
    name = f"_thrifthive_bench_apache_{idl.stem}"
    spec = importlib.util.spec_from_file_location(name, ttypes)
    if spec is None or spec.loader is None:
        raise Unavailable(f"cannot import {ttypes}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _apache_codecs(cls: Any, obj: Any) -> list[Codec]:
    TMemoryBuffer = importlib.import_module("thrift.transport.TTransport").TMemoryBuffer
    binary = importlib.import_module("thrift.protocol.TBinaryProtocol").TBinaryProtocolAccelerated
    compact = importlib.import_module(
        "thrift.protocol.TCompactProtocol"
    ).TCompactProtocolAccelerated
    codecs = []
    for protocol, proto in (("binary", binary), ("compact", compact)):

        def encode(proto: Any = proto) -> bytes:
            buf = TMemoryBuffer()
            obj.write(proto(buf, fallback=False))
            data: bytes = buf.getvalue()
            return data

        def decode(data: bytes, proto: Any = proto) -> Any:
            out = cls()
            out.read(proto(TMemoryBuffer(data), fallback=False))
            return out

        codecs.append(Codec("apache", protocol, encode, decode, notes=["fastbinary"]))
    return codecs


# Generated code lives in temporary directories for the length of the run.
_TEMP_DIRS: list[tempfile.TemporaryDirectory[str]] = []


def _new_temp_dir() -> Path:
    d = tempfile.TemporaryDirectory(prefix="thrifthive-bench-")
    _TEMP_DIRS.append(d)
    return Path(d.name)


def apache_codecs(page: dict[str, Any]) -> list[Codec]:
    t = _apache_generate(BENCH_IDL, _new_temp_dir())

    obj = build_page(t, page)
    return _apache_codecs(t.UserPage, obj)


def apache_blob(blob: bytes) -> list[Codec]:
    d = _new_temp_dir()
    idl = d / "bench_blob.thrift"
    idl.write_text(BLOB_IDL)
    t = _apache_generate(idl, d / "gen")
    return _apache_codecs(t.Blob, t.Blob(data=blob))


# -- thriftpy2 --------------------------------------------------------------------------------


def thriftpy2_codecs(page: dict[str, Any]) -> list[Codec]:
    try:
        import thriftpy2
        from thriftpy2.protocol import TCompactProtocolFactory, TCyBinaryProtocolFactory
        from thriftpy2.utils import deserialize, serialize
    except ImportError as e:
        raise Unavailable(f"thriftpy2 does not import: {e}") from e
    if not TCyBinaryProtocolFactory.__module__.startswith("thriftpy2.protocol.cybin"):
        raise Unavailable("thriftpy2's Cython binary protocol (cybin) is not built")
    t: Any = thriftpy2.load(str(BENCH_IDL), module_name="bench_tp2_thrift")

    obj = build_page(t, page)
    codecs = []
    for protocol, factory, note in (
        ("binary", TCyBinaryProtocolFactory(), "cybin"),  # type: ignore[no-untyped-call]
        ("compact", TCompactProtocolFactory(), "pure Python"),  # type: ignore[no-untyped-call]
    ):

        def encode(factory: Any = factory) -> bytes:
            return serialize(obj, factory)

        def decode(data: bytes, factory: Any = factory) -> Any:
            return deserialize(t.UserPage(), data, factory)

        codecs.append(Codec("thriftpy2", protocol, encode, decode, notes=[note]))
    return codecs


# -- msgspec ----------------------------------------------------------------------------------


def _msgspec() -> tuple[ModuleType, ModuleType]:
    try:
        import msgspec

        from . import msgspec_types
    except ImportError as e:
        raise Unavailable(f"msgspec is not installed: {e}") from e
    return msgspec, msgspec_types


def msgspec_codecs(page: dict[str, Any]) -> list[Codec]:
    msgspec, m = _msgspec()

    obj = build_page(m, page, m.Status)
    encoder, decoder = msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder(m.UserPage)
    return [
        Codec(
            "msgspec",
            "msgpack",
            encode=lambda: encoder.encode(obj),
            decode=decoder.decode,
            notes=["Structs"],
        )
    ]


def msgspec_blob(blob: bytes) -> list[Codec]:
    msgspec, m = _msgspec()
    obj = m.Blob(data=blob)
    encoder, decoder = msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder(m.Blob)
    return [Codec("msgspec", "msgpack", lambda: encoder.encode(obj), decoder.decode)]


# -- thriftrs2 --------------------------------------------------------------------------------


def thriftrs2_codecs(page: dict[str, Any]) -> list[Codec]:
    try:
        import thriftrs2  # type: ignore[import-untyped]
    except ImportError as e:
        raise Unavailable(f"thriftrs2 is not installed (pip install thriftrs2): {e}") from e
    mod = thriftrs2.load(str(BENCH_IDL))
    cls = mod.UserPage
    # thriftrs2 encodes from dicts; decoding returns instances read by attribute.
    data = {"users": [dict(u) for u in page["users"]], "total": page["total"]}
    for u in data["users"]:
        if u["address"] is None:
            del u["address"]
    codecs = []
    for protocol, ptype in (
        ("binary", thriftrs2.ProtocolType.Binary),
        ("compact", thriftrs2.ProtocolType.Compact),
    ):

        def encode(ptype: Any = ptype) -> bytes:
            out: bytes = cls.serialize_with_protocol(data, ptype)
            return out

        def decode(raw: bytes, ptype: Any = ptype) -> Any:
            return cls.deserialize_with_protocol(raw, ptype)

        codecs.append(
            Codec("thriftrs2", protocol, encode, decode, notes=[f"{thriftrs2.__version__}"])
        )
    return codecs


PAGE_CONTENDERS: list[tuple[str, Callable[[dict[str, Any]], list[Codec]]]] = [
    ("thrifthive", thrifthive_codecs),
    ("apache", apache_codecs),
    ("thriftpy2", thriftpy2_codecs),
    ("msgspec", msgspec_codecs),
    ("thriftrs2", thriftrs2_codecs),
]
BLOB_CONTENDERS: list[tuple[str, Callable[[bytes], list[Codec]]]] = [
    ("thrifthive", thrifthive_blob),
    ("apache", apache_blob),
    ("msgspec", msgspec_blob),
]
