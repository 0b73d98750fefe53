"""TLS is verified, with intermediates the server leaves out supplied by us; proxies work
and their credentials stay secret. Certificates are made here for 127.0.0.1 with the
`cryptography` package: a root, an intermediate, and a leaf served without its chain,
exactly the ministry's mistake."""

from __future__ import annotations

import base64
import datetime
import select
import socket
import ssl
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from regwatch.fakes.minjust import FakeMinjust
from scraper.fetching import SHIPPED_INTERMEDIATES, add_trust
from tests.conftest import FIRST_DAY, Workspace, load_state


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, issuer_name: str, issuer_key, key, ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer_name))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                                        critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pki")
    root_key, mid_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = _certificate("Test Root", "Test Root", root_key, root_key, ca=True)
    mid = _certificate("Test Intermediate", "Test Root", root_key, mid_key, ca=True)
    leaf = _certificate("localhost", "Test Intermediate", mid_key, leaf_key, ca=False)
    files = {}
    for name, cert in (("root", root), ("intermediate", mid), ("leaf", leaf)):
        files[name] = folder / f"{name}.pem"
        files[name].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files["leaf_key"] = folder / "leaf.key"
    files["leaf_key"].write_bytes(leaf_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return files


@pytest.fixture
def tls_fake(pki):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki["leaf"], pki["leaf_key"])  # the leaf alone: no intermediate sent
    with FakeMinjust(load_state(FIRST_DAY), tls=context) as server:
        yield server


def test_a_chain_missing_its_intermediate_is_refused_not_trusted(tls_fake, pki, tmp_path):
    workspace = Workspace(tls_fake, tmp_path / "out")
    result = workspace.crawl(REGWATCH_CA_FILES=str(pki["root"]))
    assert result.code == 1
    assert "TLS certificate of https://localhost" in result.stderr
    assert "could not be verified" in result.stderr
    assert not (workspace.exports / "latest.csv").exists()


def test_the_intermediate_we_supply_completes_the_chain(tls_fake, pki, tmp_path):
    workspace = Workspace(tls_fake, tmp_path / "out")
    result = workspace.crawl(REGWATCH_CA_FILES=f"{pki['root']}:{pki['intermediate']}")
    assert result.code == 0, result.output
    assert len(workspace.latest_rows()) == 367


def test_an_untrusted_server_is_refused_even_with_its_intermediate(tls_fake, pki, tmp_path):
    workspace = Workspace(tls_fake, tmp_path / "out")
    result = workspace.crawl(REGWATCH_CA_FILES=str(pki["intermediate"]))
    assert result.code == 1 and "could not be verified" in result.stderr


def test_the_shipped_intermediate_is_the_published_globalsign_one():
    assert [p.name for p in SHIPPED_INTERMEDIATES] == ["globalsign-gcc-r3-dv-tls-ca-2020.pem"]
    cert = x509.load_pem_x509_certificate(SHIPPED_INTERMEDIATES[0].read_bytes())
    fingerprint = cert.fingerprint(hashes.SHA256()).hex(":").upper()
    assert fingerprint == ("76:25:38:43:95:09:C4:11:C4:37:D3:C5:67:56:3E:13:"
                           "78:67:12:81:FC:4A:14:64:AD:D0:31:87:08:43:67:6E")
    assert cert.issuer.rfc4514_string() == "CN=GlobalSign,O=GlobalSign,OU=GlobalSign Root CA - R3"
    context = ssl.create_default_context()
    add_trust(context, [])
    subjects = [dict(x[0] for x in c["subject"]).get("commonName") for c in context.get_ca_certs()]
    assert "GlobalSign GCC R3 DV TLS CA 2020" in subjects
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


class LocalProxy:
    """A proxy on 127.0.0.1: one thread per client, bytes piped both ways once connected."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        raise NotImplementedError

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        with b:
            while True:
                ready, _, _ = select.select([a, b], [], [], 5)
                if not ready:
                    return
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)

    def close(self) -> None:
        self.server.close()


def crawl_through(proxy: LocalProxy, proxy_url: str, fake, tmp_path, secret: str) -> Workspace:
    """Crawl the fake through the proxy; the proxy's secret must appear nowhere."""
    try:
        workspace = Workspace(fake, tmp_path / "out")
        result = workspace.crawl(REGWATCH_PROXY=proxy_url)
    finally:
        proxy.close()
    assert result.code == 0, result.output
    log = (workspace.data_dir / "regwatch.log").read_text(encoding="utf-8")
    assert secret not in log + result.output
    assert len(workspace.latest_rows()) == 367
    return workspace


class ForwardProxy(LocalProxy):
    """A minimal HTTP forward proxy that demands Basic credentials and records what it
    relayed. It relays absolute-form requests and CONNECT tunnels."""

    def __init__(self, user: str, password: str) -> None:
        self.expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.seen: list[str] = []
        super().__init__()

    def _handle(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            header_block, rest = head.split(b"\r\n\r\n", 1)
            lines = header_block.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
            self.seen.append(f"{method} {target}")
            if headers.get("proxy-authorization") != self.expected:
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
                return
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)))
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:  # relay as received (absolute form), minus the credentials meant for us
                url = urlsplit(target)
                upstream = socket.create_connection((url.hostname, url.port or 80))
                kept = [line for line in lines if not line.lower().startswith("proxy-")]
                upstream.sendall(("\r\n".join(kept) + "\r\n\r\n").encode("latin-1") + rest)
            self._pipe(client, upstream)


def test_a_crawl_through_an_authenticating_proxy(fake, tmp_path):
    proxy = ForwardProxy("alice", "pr0xy-s3cret")
    crawl_through(proxy, f"http://alice:pr0xy-s3cret@127.0.0.1:{proxy.port}", fake, tmp_path,
                  "pr0xy-s3cret")
    assert proxy.seen and proxy.seen[0].startswith("GET http://127.0.0.1")
    # Requests relayed by a forward proxy arrive in absolute form: all of them came through it.
    assert len(fake.requests) == 2 and all(r.path.startswith("http://") for r in fake.requests)


class Socks5Proxy(LocalProxy):
    """A minimal SOCKS5 server (RFC 1928) with username/password auth (RFC 1929)."""

    def __init__(self, user: str, password: str) -> None:
        self.credentials = (user.encode(), password.encode())
        self.connects: list[tuple[str, int]] = []
        super().__init__()

    @staticmethod
    def _read(sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def _handle(self, client: socket.socket) -> None:
        with client:
            _version, count = self._read(client, 2)
            if 2 not in self._read(client, count):
                client.sendall(b"\x05\xff")
                return
            client.sendall(b"\x05\x02")
            _sub, ulen = self._read(client, 2)
            user = self._read(client, ulen)
            password = self._read(client, self._read(client, 1)[0])
            if (user, password) != self.credentials:
                client.sendall(b"\x01\x01")
                return
            client.sendall(b"\x01\x00")
            _ver, _cmd, _rsv, kind = self._read(client, 4)
            if kind == 1:
                host = socket.inet_ntoa(self._read(client, 4))
            else:
                host = self._read(client, self._read(client, 1)[0]).decode()
            port = int.from_bytes(self._read(client, 2), "big")
            self.connects.append((host, port))
            upstream = socket.create_connection((host, port))
            client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + (0).to_bytes(2, "big"))
            self._pipe(client, upstream)


def test_a_crawl_through_a_socks5_proxy(fake, tmp_path):
    proxy = Socks5Proxy("bob", "s0cks-s3cret")
    crawl_through(proxy, f"socks5://bob:s0cks-s3cret@127.0.0.1:{proxy.port}", fake, tmp_path,
                  "s0cks-s3cret")
    assert proxy.connects and proxy.connects[0] == ("127.0.0.1", fake.port)
