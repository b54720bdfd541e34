"""Interop tests: thrifthive's codec against the real peers (Apache Thrift's Python library with
code from the Apache compiler, and thriftpy2), byte for byte where the output is deterministic."""
