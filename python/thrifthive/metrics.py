"""Call metrics in the Prometheus model, named after grpc-prometheus's, kept in Rust for the
whole process (crates/thrifthive-rpc/src/metrics):

- ``thrift_server_started_total{thrift_type, thrift_service, thrift_method}``: calls started;
- ``thrift_server_handled_total{..., thrift_code}``: calls done, by outcome: ``OK``, the name of
  a declared exception the handler raised, or a ``TApplicationException`` kind
  (``INTERNAL_ERROR`` for anything else the handler raised, ``PROTOCOL_ERROR`` for arguments
  that could not be read);
- ``thrift_server_handling_seconds{...}``: a histogram of the time from a call's arrival to its
  outcome (Prometheus' default buckets).

``thrift_type`` is ``call`` or ``oneway``; ``thrift_service`` the name a service is served under.
``Server(..., metrics_port=N)`` serves them at ``/metrics``; :func:`render` gives the same page,
for an application that serves its own.
"""

from __future__ import annotations

from thrifthive._native import render_metrics

__all__ = ["render"]


def render() -> str:
    """The process's call metrics in Prometheus' text exposition format (version 0.0.4)."""
    return render_metrics()
