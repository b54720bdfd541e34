"""Call metrics in the Prometheus model, named after grpc-prometheus's, kept in Rust for the
whole process (crates/thrifthive-rpc/src/metrics), for servers and clients alike:

- ``thrift_server_started_total{thrift_type, thrift_service, thrift_method}``: calls started;
- ``thrift_server_handled_total{..., thrift_code}``: calls done, by outcome: ``OK``, the name of
  a declared exception the handler raised, or a ``TApplicationException`` kind
  (``INTERNAL_ERROR`` for anything else the handler raised, ``PROTOCOL_ERROR`` for arguments
  that could not be read);
- ``thrift_server_handling_seconds{...}``: a histogram of the time from a call's arrival to its
  outcome (Prometheus' default buckets).

``thrift_type`` is ``call`` or ``oneway``; ``thrift_service`` the name a service is served under.

Clients (:class:`~thrifthive.Client` and :class:`~thrifthive.AsyncClient`) count the mirrors,
with the same labels, each attempt of a call as one call:

- ``thrift_client_started_total``, ``thrift_client_handled_total`` and
  ``thrift_client_handling_seconds`` (from sending a call to its outcome), ``thrift_service``
  being the service's name (or ``service_name``, when multiplexed). Outcomes are the server's
  (``OK``, a declared exception's name, the kind of a ``TApplicationException`` the server sent,
  ``MISSING_RESULT``), and those only a client sees: a ``TTransportException``'s kind
  (``NOT_OPEN``: could not connect; ``TIMED_OUT``; ``END_OF_FILE``: closed by the server;
  ``TRANSPORT_ERROR`` for any other), ``PROTOCOL_ERROR`` for a reply that cannot be read,
  ``CANCELLED`` for a call given up on (a cancelled task, Ctrl-C);
- ``thrift_client_retries_total{thrift_type, thrift_service, thrift_method}``: failed calls
  sent again (``thrifthive._retry``).

``Server(..., metrics_port=N)`` serves them at ``/metrics``; a process without a server (a
client's only) serves them with :func:`serve`; :func:`render` gives the same page, for an
application that serves its own.
"""

from __future__ import annotations

from thrifthive._native import MetricsServer, render_metrics

__all__ = ["MetricsServer", "render", "serve"]


def render() -> str:
    """The process's call metrics in Prometheus' text exposition format (version 0.0.4)."""
    return render_metrics()


def serve(port: int = 0, host: str = "127.0.0.1") -> MetricsServer:
    """Serves the process's call metrics at ``http://host:port/metrics`` (``port=0``: a free
    one, then ``.port``) from a background thread, until ``.close()`` (or the end of a
    ``with`` block). OSError when the port cannot be bound."""
    return MetricsServer(host, port)
