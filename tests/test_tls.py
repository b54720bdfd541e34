"""TLS from Python: ``Server(tls_cert=, tls_key=, tls_client_ca=)`` and ``Client(tls_ca=,
tls_cert=, tls_key=)`` (and https://), against each other and against Apache's TSSLSocket client
and TSSLServerSocket server; clear errors for an unknown CA, a name mismatch, a missing or
untrusted client certificate, and a plaintext client on a TLS port. The certificates are made by
the ``openssl`` command at test time (an expired one is covered by the Rust tests, since
OpenSSL 3.0's command line cannot back-date a certificate)."""

from __future__ import annotations

import importlib
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive.exceptions import TApplicationException, TTransportException

from .test_client_servers import ITEMS_IDL, Handler, free_port, generate_apache, wait_listening


@dataclass(frozen=True)
class Pki:
    ca: Path
    other_ca: Path
    server: tuple[Path, Path]  # localhost and 127.0.0.1, signed by ca
    client: tuple[Path, Path]  # signed by ca
    stranger: tuple[Path, Path]  # a client certificate signed by other_ca


def _openssl(*args: str | Path, cwd: Path) -> None:
    subprocess.run(["openssl", *map(str, args)], cwd=cwd, check=True, capture_output=True)


def _ca(dir: Path, name: str) -> tuple[Path, Path]:
    cert, key = dir / f"{name}.pem", dir / f"{name}.key"
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key, "-out", cert, "-subj", f"/CN={name}", "-days", "2",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign",
        cwd=dir,
    )  # fmt: skip
    return cert, key


def _issue(dir: Path, ca: tuple[Path, Path], name: str, san: str) -> tuple[Path, Path]:
    cert, key, csr = dir / f"{name}.pem", dir / f"{name}.key", dir / f"{name}.csr"
    _openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key, "-out", csr, "-subj", f"/CN={name}", "-addext", f"subjectAltName={san}",
        cwd=dir,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
        "-out", cert, "-days", "2", "-copy_extensions", "copy",
        cwd=dir,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    dir = tmp_path_factory.mktemp("pki")
    ca, other = _ca(dir, "ca"), _ca(dir, "other-ca")
    return Pki(
        ca=ca[0],
        other_ca=other[0],
        server=_issue(dir, ca, "server", "DNS:localhost,IP:127.0.0.1"),
        client=_issue(dir, ca, "client", "DNS:client"),
        stranger=_issue(dir, other, "stranger", "DNS:client"),
    )


@pytest.fixture(scope="module")
def items() -> ModuleType:
    return thrifthive.load_source(ITEMS_IDL, "tls_items")


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_apache(tmp_path_factory.mktemp("apache-tls"))


@pytest.fixture(scope="module")
def server(items: ModuleType, pki: Pki) -> Iterator[thrifthive.Server]:
    server = thrifthive.Server(
        items.Items, Handler(items), port=0, tls_cert=pki.server[0], tls_key=pki.server[1]
    )
    server.start()
    yield server
    server.stop(grace=1.0)


@pytest.fixture(scope="module")
def mtls_server(items: ModuleType, pki: Pki) -> Iterator[thrifthive.Server]:
    server = thrifthive.Server(
        items.Items, Handler(items), port=0, transport="framed",
        tls_cert=pki.server[0], tls_key=pki.server[1], tls_client_ca=pki.ca,
    )  # fmt: skip
    server.start()
    yield server
    server.stop(grace=1.0)


def client(items: ModuleType, server: thrifthive.Server, **options: Any) -> thrifthive.Client:
    return thrifthive.Client(items.Items, f"localhost:{server.port}", timeout=10, **options)


@pytest.mark.parametrize("transport", ["buffered", "framed", "header"])
def test_client_and_server(
    items: ModuleType, server: thrifthive.Server, pki: Pki, transport: str
) -> None:
    with client(items, server, transport=transport, tls_ca=pki.ca) as c:
        for i in range(3):
            assert c.get(i).id == i
        with pytest.raises(items.NotFound):
            c.get(-1)


def test_https(items: ModuleType, pki: Pki) -> None:
    server = thrifthive.Server(
        items.Items, Handler(items), port=0, transport="http",
        tls_cert=pki.server[0], tls_key=pki.server[1],
    )  # fmt: skip
    with (
        server,
        thrifthive.Client(
            items.Items, f"https://localhost:{server.port}/thrift", tls_ca=pki.ca, timeout=10
        ) as c,
    ):
        assert c.get(1).id == 1
        assert c.with_headers({"X-A": "b"}).get(2).id == 2


def test_the_client_checks_the_chain_and_the_name(
    items: ModuleType, server: thrifthive.Server, pki: Pki
) -> None:
    with client(items, server, tls_ca=pki.other_ca) as c, pytest.raises(TTransportException) as e:
        c.get(1)
    assert "not signed by a CA the client trusts" in str(e.value)
    with (
        client(items, server, tls_ca=pki.ca, tls_server_name="db.example.com") as c,
        pytest.raises(TTransportException) as e,
    ):
        c.get(1)
    assert 'not valid for the name "db.example.com"' in str(e.value)
    with client(items, server, tls_ca=pki.ca) as c:
        assert c.get(1).id == 1


def test_mutual_tls(items: ModuleType, mtls_server: thrifthive.Server, pki: Pki) -> None:
    options: dict[str, Any] = {"transport": "framed", "tls_ca": pki.ca}
    with client(items, mtls_server, tls_cert=pki.client[0], tls_key=pki.client[1], **options) as c:
        assert c.get(1).id == 1
    with client(items, mtls_server, **options) as c, pytest.raises(TTransportException) as e:
        c.get(1)
    assert "requires a client certificate" in str(e.value)
    stranger = {"tls_cert": pki.stranger[0], "tls_key": pki.stranger[1]}
    with (
        client(items, mtls_server, **stranger, **options) as c,
        pytest.raises(TTransportException) as e,
    ):
        c.get(1)
    assert "did not accept the client certificate" in str(e.value)


def test_a_plaintext_client_is_told_tls_is_required(
    items: ModuleType, server: thrifthive.Server
) -> None:
    with client(items, server, tls=False) as c, pytest.raises(TApplicationException) as e:
        c.get(1)
    assert e.value.type == TApplicationException.INVALID_PROTOCOL
    assert "this server requires TLS" in str(e.value)


def test_a_tls_client_on_a_plaintext_server(items: ModuleType, pki: Pki) -> None:
    with (
        thrifthive.Server(items.Items, Handler(items), port=0) as plain,
        client(items, plain, tls_ca=pki.ca) as c,
        pytest.raises(TTransportException) as e,
    ):
        c.get(1)
    assert "does it speak TLS?" in str(e.value)


def test_bad_tls_options(items: ModuleType, pki: Pki) -> None:
    with pytest.raises(ValueError, match="cannot read certificates from /nonexistent"):
        thrifthive.Client(items.Items, "localhost:1", tls_ca="/nonexistent")
    with pytest.raises(ValueError, match="needs both its certificate and its key"):
        thrifthive.Client(items.Items, "localhost:1", tls_cert=pki.client[0])
    with pytest.raises(ValueError, match="needs both tls_cert and tls_key"):
        thrifthive.Server(items.Items, object(), port=0, tls_cert=pki.server[0]).start()
    with pytest.raises(ValueError, match="https:// address needs TLS"):
        thrifthive.Client(items.Items, "https://localhost:1/", tls=False)


def _apache_items(apache: Any) -> tuple[Any, Any]:
    return (
        importlib.import_module(f"{apache.__name__}.Items"),
        importlib.import_module(f"{apache.__name__}.ttypes"),
    )


@pytest.mark.parametrize("mutual", [False, True], ids=["tls", "mtls"])
def test_apache_ssl_client(
    apache: Any, server: thrifthive.Server, mtls_server: thrifthive.Server, pki: Pki, mutual: bool
) -> None:
    tssl: Any = importlib.import_module("thrift.transport.TSSLSocket")
    ttransport: Any = importlib.import_module("thrift.transport.TTransport")
    tbinary: Any = importlib.import_module("thrift.protocol.TBinaryProtocol")
    items_mod, ttypes = _apache_items(apache)
    target = mtls_server if mutual else server
    extra = {"certfile": str(pki.client[0]), "keyfile": str(pki.client[1])} if mutual else {}
    sock = tssl.TSSLSocket(
        "localhost", target.port, cert_reqs=ssl.CERT_REQUIRED, ca_certs=str(pki.ca), **extra
    )
    wrap = ttransport.TFramedTransport if mutual else ttransport.TBufferedTransport
    transport = wrap(sock)
    peer = items_mod.Client(tbinary.TBinaryProtocolAccelerated(transport))
    transport.open()
    try:
        assert peer.get(3).id == 3
        item = ttypes.Item(id=4, name="x", data=b"\x00" * 20_000)
        assert peer.echo(item) == item
        with pytest.raises(ttypes.NotFound):
            peer.get(-1)
    finally:
        transport.close()


@pytest.mark.parametrize("mutual", [False, True], ids=["tls", "mtls"])
def test_client_against_apache_ssl_server(
    items: ModuleType, apache: Any, pki: Pki, mutual: bool
) -> None:
    tssl: Any = importlib.import_module("thrift.transport.TSSLSocket")
    ttransport: Any = importlib.import_module("thrift.transport.TTransport")
    tbinary: Any = importlib.import_module("thrift.protocol.TBinaryProtocol")
    tserver: Any = importlib.import_module("thrift.server.TServer")
    items_mod, ttypes = _apache_items(apache)
    port = free_port()
    # An ssl_context: without one, Apache's server socket insists on a client CA.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server[0], pki.server[1])
    if mutual:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki.ca)
    listener = tssl.TSSLServerSocket(
        "127.0.0.1",
        port,
        ssl_context=context,
        # Apache's default wants the client's IP address in its certificate.
        validate_callback=lambda cert, address: None,
    )
    server = tserver.TThreadedServer(
        items_mod.Processor(Handler(ttypes)),
        listener,
        ttransport.TBufferedTransportFactory(),
        tbinary.TBinaryProtocolAcceleratedFactory(),
        daemon=True,
    )
    threading.Thread(target=server.serve, daemon=True).start()
    wait_listening(port)
    cert: dict[str, Any] = {"tls_cert": pki.client[0], "tls_key": pki.client[1]} if mutual else {}
    with thrifthive.Client(
        items.Items, f"127.0.0.1:{port}", tls_ca=pki.ca, timeout=10, **cert
    ) as c:
        for i in range(3):
            assert c.get(i).id == i
        sent = items.Item(id=1, name="x", data=b"\x01" * 50_000)
        assert c.echo(sent) == sent
