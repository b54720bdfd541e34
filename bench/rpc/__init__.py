"""The RPC benchmark (``python -m bench.rpc``): thrifthive's server against its anchors."""
