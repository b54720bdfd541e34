"""thrifthive: Thrift RPC for Python microservices, with a Rust core.

What exists so far is the IDL front end: :mod:`thrifthive.idl` compiles a ``.thrift`` file (and
everything it includes) to its resolved IR, and ``thrifthive check`` reports problems rustc-style.
"""

from thrifthive import idl
from thrifthive._native import Diagnostic, Note, ThriftParseError, __version__

__all__ = ["Diagnostic", "Note", "ThriftParseError", "__version__", "idl"]
