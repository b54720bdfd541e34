"""thrifthive: Thrift RPC for Python microservices, with a Rust core.

:mod:`thrifthive.idl` compiles a ``.thrift`` file (and everything it includes) to its resolved
IR, and ``thrifthive check`` reports problems rustc-style; :func:`load` turns IDL into a module
of classes, enums, consts and service descriptors; ``thrifthive gen`` writes the same as a typed
package (:mod:`thrifthive.gen`), and ``thrifthive stubs`` the ``.pyi`` files of ``load()``'s
modules. :class:`Server` serves handlers; :class:`Client` (threads) and :class:`AsyncClient`
(asyncio, pipelined) call services, at one address or across the instances found at an
``etcd://``, ``static://`` or ``dns://`` URL, where ``Server(registry="etcd://...")`` registers
them (the hive).
"""

from thrifthive import idl
from thrifthive._native import Diagnostic, Note, ThriftParseError, __version__
from thrifthive.async_client import AsyncClient
from thrifthive.client import Client
from thrifthive.codec import Limits, dumps, loads
from thrifthive.context import RequestContext, current_request
from thrifthive.loader import load, load_source
from thrifthive.server import Server
from thrifthive.service import Method, Service

__all__ = [
    "AsyncClient",
    "Client",
    "Diagnostic",
    "Limits",
    "Method",
    "Note",
    "RequestContext",
    "Server",
    "Service",
    "ThriftParseError",
    "__version__",
    "current_request",
    "dumps",
    "idl",
    "load",
    "load_source",
    "loads",
]
