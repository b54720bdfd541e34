"""RPC interop: thrifthive's server and client against Apache Thrift's and thriftpy2's, over
ThriftTest (Apache's cross-language test service, v0.16 IDL), with the replies Apache's test
server gives.

- ``thrift_test_handler.py``: the handler, replying as Apache's ``test/py/TestServer.py`` does,
  over any library's classes (plus an ``async def`` variant).
- ``calls.py``: every call made and its expected outcome; ``check`` asserts one.
- ``peers.py``, ``peer_server.py``: Apache's generated code and client; the peer servers
  (Apache's TSimpleServer, TThreadPoolServer, TNonblockingServer, thriftpy2's make_server and
  its asyncio server) in child processes. ``hive.py``: thrifthive's servers, and the guards
  for its missing pieces.
- ``test_peers_control.py``: Apache's client against Apache's server (checks the expectations).
- ``test_apache_client.py``: Apache's client against thrifthive's server.
- ``test_hive_client.py``: thrifthive's client against the peer servers.
- ``test_async_client_peers.py``: thrifthive's AsyncClient against the peer servers (thriftpy2's
  asyncio server too) and thrifthive's, on asyncio's loop and on uvloop.
- ``test_cpp_client.py``, ``cpp_build.py``, ``cpp/client.cpp``: a C++ client on libthrift-dev.
"""
