"""The peers: Apache Thrift's Python library (code from Debian's ``thrift`` compiler, encoded by
its C extension fastbinary) and thriftpy2 (its Cython binary protocol and its compact protocol),
behind one small interface: encode an object, decode bytes into a class."""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from .values import Flavor


class Unavailable(Exception):
    """A peer is not installed here; the message says what is missing."""


# -- Apache Thrift ----------------------------------------------------------------------------


def _module(name: str) -> Any:
    """Imports one of Apache's modules (untyped, so typed as Any here)."""
    return importlib.import_module(name)


def apache_factory(protocol: str, accelerated: bool = True) -> Any:
    """An Apache protocol factory; the accelerated ones never fall back to pure Python."""
    TBinaryProtocol = _module("thrift.protocol.TBinaryProtocol")
    TCompactProtocol = _module("thrift.protocol.TCompactProtocol")
    TJSONProtocol = _module("thrift.protocol.TJSONProtocol")

    if protocol == "binary":
        if accelerated:
            return TBinaryProtocol.TBinaryProtocolAcceleratedFactory(fallback=False)
        return TBinaryProtocol.TBinaryProtocolFactory()
    if protocol == "compact":
        if accelerated:
            return TCompactProtocol.TCompactProtocolAcceleratedFactory(fallback=False)
        return TCompactProtocol.TCompactProtocolFactory()
    if protocol == "json":
        return TJSONProtocol.TJSONProtocolFactory()
    raise ValueError(protocol)


def apache_encode(obj: Any, factory: Any) -> bytes:
    TMemoryBuffer = _module("thrift.transport.TTransport").TMemoryBuffer

    buf = TMemoryBuffer()
    obj.write(factory.getProtocol(buf))
    data: bytes = buf.getvalue()
    return data


def apache_decode(cls: Any, data: bytes, factory: Any) -> Any:
    """Decodes like Apache's generated code does: an immutable class's ``read`` is a
    classmethod returning the instance, a mutable one's fills ``cls()``."""
    TMemoryBuffer = _module("thrift.transport.TTransport").TMemoryBuffer

    buf = TMemoryBuffer(data)
    proto = factory.getProtocol(buf)
    if isinstance(inspect.getattr_static(cls, "read"), classmethod):
        obj = cls.read(proto)
    else:
        obj = cls()
        obj.read(proto)
    rest = len(data) - buf._buffer.tell()
    if rest:
        raise AssertionError(f"Apache left {rest} of {len(data)} bytes unread")
    return obj


def generate_apache(idl: Path, out: Path) -> ModuleType:
    """Runs ``thrift --gen py`` on ``idl`` into ``out`` (put on sys.path) and imports the
    generated ``ttypes`` module."""
    compiler = shutil.which("thrift")
    if compiler is None:
        raise Unavailable("the Apache Thrift compiler `thrift` is not on PATH (make setup)")
    try:
        _module("thrift.protocol.fastbinary")
    except ImportError as e:
        raise Unavailable(f"Apache Thrift's C extension fastbinary does not import: {e}") from e
    out.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(
        [compiler, "--gen", "py", "-out", str(out), str(idl)],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise AssertionError(f"thrift --gen py {idl} failed:\n{run.stderr}")
    packages = [p.parent.name for p in out.glob("*/ttypes.py")]
    if len(packages) != 1:
        raise AssertionError(f"expected one generated package in {out}, found {packages}")
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    return importlib.import_module(f"{packages[0]}.ttypes")


def apache_flavor(ttypes: ModuleType) -> Flavor:
    TFrozenDict = _module("thrift.Thrift").TFrozenDict

    return Flavor(
        name="apache",
        struct_class=lambda name: getattr(ttypes, name),
        enum_value=lambda _enum, v: v,
        frozen_map=TFrozenDict,
    )


# -- thriftpy2 --------------------------------------------------------------------------------


def thriftpy2_factory(protocol: str) -> Any:
    """thriftpy2's Cython binary protocol (cybin; never its pure-Python fallback) or its
    compact protocol."""
    from thriftpy2.protocol import TCompactProtocolFactory, TCyBinaryProtocolFactory

    if protocol == "binary":
        if not TCyBinaryProtocolFactory.__module__.startswith("thriftpy2.protocol.cybin"):
            raise Unavailable("thriftpy2's Cython binary protocol (cybin) is not built")
        return TCyBinaryProtocolFactory()  # type: ignore[no-untyped-call]
    if protocol == "compact":
        return TCompactProtocolFactory()  # type: ignore[no-untyped-call]
    raise ValueError(protocol)


def thriftpy2_encode(obj: Any, factory: Any) -> bytes:
    from thriftpy2.utils import serialize

    data: bytes = serialize(obj, factory)
    return data


def thriftpy2_decode(cls: Any, data: bytes, factory: Any) -> Any:
    from thriftpy2.utils import deserialize

    return deserialize(cls(), data, factory)


# thriftpy2's parser rejects two things in the corpus; these edits leave the types untouched.
_THRIFTPY2_EDITS = (
    # ThriftTest: a namespace with annotations, `namespace xsd test (uri = '...')`.
    (re.compile(r"^namespace xsd .*$", re.M), ""),
    # DebugProtoTest: a const map whose keys are lists (COMPACT_TEST): "unhashable type: 'list'".
    (re.compile(r"^const CompactProtoTestStruct COMPACT_TEST = \{.*?^\}$", re.M | re.S), ""),
)


def load_thriftpy2(idl: Path, out: Path, module_name: str) -> ModuleType:
    """Loads ``idl`` with thriftpy2, from a copy with the edits above applied."""
    try:
        import thriftpy2

        thriftpy2_factory("binary")
    except ImportError as e:
        raise Unavailable(f"thriftpy2 (with cybin) does not import: {e}") from e
    text = idl.read_text()
    for pattern, replacement in _THRIFTPY2_EDITS:
        text = pattern.sub(replacement, text)
    out.mkdir(parents=True, exist_ok=True)
    copy = out / idl.name
    copy.write_text(text)
    module: ModuleType = thriftpy2.load(str(copy), module_name=module_name)
    return module


def thriftpy2_flavor(module: ModuleType) -> Flavor:
    from .values import FrozenDict

    return Flavor(
        name="thriftpy2",
        struct_class=lambda name: getattr(module, name),
        enum_value=lambda _enum, v: v,
        frozen_map=FrozenDict,
    )


# -- thrifthive -------------------------------------------------------------------------------


def thrifthive_flavor(module: ModuleType) -> Flavor:
    """thrifthive's classes; enum values go in as IntEnum members where the enum has them."""
    from .values import FrozenDict

    def enum_value(enum: str, v: int) -> Any:
        cls = getattr(module, enum)
        try:
            return cls(v)
        except ValueError:
            return v

    return Flavor(
        name="thrifthive",
        struct_class=lambda name: getattr(module, name),
        enum_value=enum_value,
        frozen_map=FrozenDict,
    )


class Side:
    """One library's view of one IDL file."""

    def __init__(self, module: ModuleType, flavor: Flavor) -> None:
        self.module = module
        self.flavor = flavor

    def cls(self, name: str) -> Any:
        return getattr(self.module, name)

    def __repr__(self) -> str:  # short: Hypothesis prints the fixtures of a failing example
        return f"Side({self.flavor.name}: {self.module.__name__})"
