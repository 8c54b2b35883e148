"""TLS: the tls-port listener, client certificates (tls-auth-clients yes, no
and optional), plain and TLS ports side by side, a TLS-only server, and the
tls-* directives at start and through CONFIG SET, with redis-cli --tls and
redis-py over ssl as clients.

Certificates come from tests/tls/gen-certs.sh, run once per module into a
temporary directory.  Every test passes against Debian's redis-server 7.0.15
too (VIGIL_SERVER=/usr/bin/redis-server), which is what shows that the
replies and log lines are Redis's."""

import shutil
import socket
import ssl
import subprocess
import tempfile
from pathlib import Path

import pytest
import redis

import harness
from harness import wait_until

GEN_CERTS = harness.REPO / "tests" / "tls" / "gen-certs.sh"
TLS_UPDATE_FAILED = ("CONFIG SET failed (possibly related to argument '{}') - "
                     "Unable to update TLS configuration. Check server logs.")


@pytest.fixture(scope="module")
def certs():
    path = Path(tempfile.mkdtemp(prefix="vigil-tls-"))
    subprocess.run(["sh", str(GEN_CERTS), str(path)], check=True, timeout=60)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def tls_config(certs, **extra):
    """A server with a plain port (for the harness) and a TLS port."""
    config = {
        "tls-port": harness.free_port(),
        "tls-cert-file": certs / "server.crt",
        "tls-key-file": certs / "server.key",
        "tls-ca-cert-file": certs / "ca.crt",
    }
    config.update({name.replace("_", "-"): value for name, value in extra.items()})
    return config


def tls_port(srv):
    return int(dict(srv.config)["tls-port"])


def tls_client(srv, certs, identity="client", port=None, **kwargs):
    """redis-py over TLS; identity None sends no client certificate."""
    if identity:
        kwargs.setdefault("ssl_certfile", str(certs / f"{identity}.crt"))
        kwargs.setdefault("ssl_keyfile", str(certs / f"{identity}.key"))
    kwargs.setdefault("socket_timeout", 10)
    return redis.Redis(host=srv.host, port=port or tls_port(srv), ssl=True,
                       ssl_ca_certs=str(certs / "ca.crt"), **kwargs)


def redis_cli_tls(port, certs, *args, identity="client"):
    argv = ["redis-cli", "-h", "127.0.0.1", "-p", str(port), "--tls",
            "--cacert", str(certs / "ca.crt")]
    if identity:
        argv += ["--cert", str(certs / f"{identity}.crt"), "--key", str(certs / f"{identity}.key")]
    return subprocess.run(argv + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=30).stdout.decode()


def handshake_refused(srv, certs, identity):
    """True if a client presenting identity cannot run a command."""
    client = tls_client(srv, certs, identity)
    try:
        client.ping()
    except (redis.ConnectionError, ssl.SSLError, OSError):
        return True
    finally:
        client.close()
    return False


def wait_for_log(srv, text):
    return wait_until(lambda: text in srv.log_text(), timeout=10, message=repr(text))


# -- talking TLS -------------------------------------------------------------

def test_redis_cli_over_tls(server_factory, certs):
    srv = server_factory(tls_config(certs))
    port = tls_port(srv)
    assert redis_cli_tls(port, certs, "PING").strip() == "PONG"
    assert redis_cli_tls(port, certs, "SET", "greeting", "hello").strip() == "OK"
    assert redis_cli_tls(port, certs, "GET", "greeting").strip() == "hello"


def test_redis_py_big_values_and_pipelines(server_factory, certs):
    srv = server_factory(tls_config(certs))
    client = tls_client(srv, certs)
    big = bytes(range(256)) * (16 * 1024 + 3)  # ~4 MB, not a multiple of a record
    assert client.set("big", big)
    assert client.get("big") == big
    pipe = client.pipeline(transaction=False)
    for i in range(5000):
        pipe.set(f"k{i}", f"value-{i}" * 10)
    pipe.execute()
    pipe = client.pipeline(transaction=False)
    for i in range(5000):
        pipe.get(f"k{i}")
    assert pipe.execute() == [f"value-{i}".encode() * 10 for i in range(5000)]
    client.close()


def test_plain_and_tls_ports_side_by_side(server_factory, certs):
    srv = server_factory(tls_config(certs))
    plain = srv.client()
    secure = tls_client(srv, certs)
    plain.set("shared", "from-plain")
    assert secure.get("shared") == b"from-plain"
    secure.set("shared", "from-tls")
    assert plain.get("shared") == b"from-tls"
    assert plain.dbsize() == 1
    plain.close()
    secure.close()


def test_plain_client_on_tls_port_is_dropped(server_factory, certs):
    srv = server_factory(tls_config(certs))
    with socket.create_connection((srv.host, tls_port(srv)), timeout=10) as s:
        s.sendall(b"PING\r\n")
        data = b""
        while True:
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    assert b"PONG" not in data
    wait_for_log(srv, "Error accepting a client connection:")
    assert srv.client().ping()


def test_connection_closed_during_handshake_is_logged(server_factory, certs):
    srv = server_factory(tls_config(certs))
    socket.create_connection((srv.host, tls_port(srv)), timeout=10).close()
    wait_for_log(srv, "Error accepting a client connection: "
                      "error:0A000126:SSL routines::unexpected eof while reading")
    assert srv.client().ping()


def test_tls_client_on_plain_port_fails(server_factory, certs):
    """The plain port reads a ClientHello as a (bad) request: Redis waits for
    a line end, Vigil may answer a protocol error; no handshake either way."""
    srv = server_factory(tls_config(certs))
    client = tls_client(srv, certs, port=srv.port, socket_timeout=2, socket_connect_timeout=2)
    with pytest.raises((redis.RedisError, ssl.SSLError, OSError)):
        client.ping()
    client.close()
    assert srv.client().ping()


class TlsOnlyServer(harness.ServerProcess):
    """port 0, tls-port on the harness's port; readiness checked over TLS."""

    def __init__(self, certs, config):
        super().__init__(config=config)
        self.certs = certs

    def argv(self, port):
        return super().argv(port) + ["--tls-port", str(port)]

    def _answers(self):
        context = ssl.create_default_context(cafile=str(self.certs / "ca.crt"))
        context.check_hostname = False
        context.load_cert_chain(self.certs / "client.crt", self.certs / "client.key")
        try:
            with socket.create_connection((self.host, self.port), timeout=1) as raw:
                with context.wrap_socket(raw) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(1)[:1] in (b"+", b"-")
        except OSError:
            return False


def test_tls_only_server(certs):
    config = tls_config(certs, port=0)
    del config["tls-port"]
    with TlsOnlyServer(certs, config) as srv:
        assert redis_cli_tls(srv.port, certs, "SET", "k", "v").strip() == "OK"
        client = tls_client(srv, certs, port=srv.port)
        assert client.get("k") == b"v"
        assert client.config_get("port") == {"port": "0"}
        client.close()


# -- client certificates -----------------------------------------------------

def test_auth_clients_yes_requires_a_trusted_certificate(server_factory, certs):
    srv = server_factory(tls_config(certs))
    assert handshake_refused(srv, certs, None)
    wait_for_log(srv, "Error accepting a client connection: "
                      "error:0A0000C7:SSL routines::peer did not return a certificate")
    assert handshake_refused(srv, certs, "other")
    wait_for_log(srv, "certificate verify failed")
    assert not handshake_refused(srv, certs, "client")


def test_auth_clients_no_ignores_certificates(server_factory, certs):
    srv = server_factory(tls_config(certs, tls_auth_clients="no"))
    assert not handshake_refused(srv, certs, None)
    assert not handshake_refused(srv, certs, "other")
    assert redis_cli_tls(tls_port(srv), certs, "PING", identity=None).strip() == "PONG"


def test_auth_clients_optional_verifies_what_is_sent(server_factory, certs):
    srv = server_factory(tls_config(certs, tls_auth_clients="optional"))
    assert not handshake_refused(srv, certs, None)
    assert not handshake_refused(srv, certs, "client")
    assert handshake_refused(srv, certs, "other")


def test_auth_clients_no_without_ca(server_factory, certs):
    config = tls_config(certs, tls_auth_clients="no")
    del config["tls-ca-cert-file"]
    srv = server_factory(config)
    assert redis_cli_tls(tls_port(srv), certs, "PING", identity=None).strip() == "PONG"


def test_config_set_auth_clients_applies_to_new_connections(server_factory, certs):
    srv = server_factory(tls_config(certs))
    admin = srv.client()
    assert handshake_refused(srv, certs, None)
    assert admin.config_set("tls-auth-clients", "no")
    assert not handshake_refused(srv, certs, None)
    assert admin.config_set("tls-auth-clients", "optional")
    assert handshake_refused(srv, certs, "other")
    assert admin.config_get("tls-auth-clients") == {"tls-auth-clients": "optional"}


# -- directives ---------------------------------------------------------------

def tls12_only_refused(srv, certs):
    """True if a client limited to TLSv1.2 cannot complete a PING."""
    context = ssl.create_default_context(cafile=str(certs / "ca.crt"))
    context.check_hostname = False
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certs / "client.crt", certs / "client.key")
    try:
        with socket.create_connection((srv.host, tls_port(srv)), timeout=10) as raw:
            with context.wrap_socket(raw) as s:
                s.sendall(b"PING\r\n")
                return not s.recv(16).startswith(b"+PONG")
    except (ssl.SSLError, OSError):
        return True


def test_protocols_and_ciphers(server_factory, certs):
    srv = server_factory(tls_config(certs, tls_protocols="TLSv1.3",
                                    tls_ciphersuites="TLS_AES_256_GCM_SHA384",
                                    tls_prefer_server_ciphers="yes"))
    client = tls_client(srv, certs)
    assert client.ping()
    client.close()
    assert tls12_only_refused(srv, certs)
    assert srv.client().config_set("tls-protocols", "TLSv1.2 TLSv1.3")
    assert not tls12_only_refused(srv, certs)


def test_encrypted_key_and_dh_params(server_factory, certs):
    srv = server_factory(tls_config(certs, tls_key_file=certs / "server-pass.key",
                                    tls_key_file_pass="secret",
                                    tls_dh_params_file=certs / "dh.pem",
                                    tls_protocols="TLSv1.2",
                                    tls_ciphers="DHE-ECDSA-AES128-GCM-SHA256:"
                                                "ECDHE-ECDSA-AES128-GCM-SHA256"))
    assert redis_cli_tls(tls_port(srv), certs, "PING").strip() == "PONG"


def test_config_set_rejects_bad_values_and_keeps_serving(server_factory, certs):
    srv = server_factory(tls_config(certs))
    admin = srv.client()
    for name, value, logged in [
            ("tls-cert-file", "/nonexistent/cert.pem",
             "Failed to load certificate: /nonexistent/cert.pem: "
             "error:80000002:system library::No such file or directory"),
            ("tls-protocols", "TLSv1.2 SSLv3",
             "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', "
             "'TLSv1.2' and 'TLSv1.3'."),
            ("tls-ciphers", "NO-SUCH-CIPHER", "Failed to configure ciphers: NO-SUCH-CIPHER"),
            ("tls-ciphersuites", "NO_SUCH", "Failed to configure ciphersuites: NO_SUCH"),
            ("tls-dh-params-file", "/nonexistent/dh.pem",
             "Failed to load /nonexistent/dh.pem: No such file or directory"),
            ("tls-key-file", str(certs / "other.key"), "key values mismatch")]:
        before = admin.config_get(name)
        with pytest.raises(redis.ResponseError) as exc:
            admin.config_set(name, value)
        assert str(exc.value) == TLS_UPDATE_FAILED.format(name)
        assert admin.config_get(name) == before
        wait_for_log(srv, logged)
    assert not handshake_refused(srv, certs, "client")


def test_config_set_replication_needs_a_ca(server_factory, certs):
    config = tls_config(certs, tls_auth_clients="no")
    del config["tls-ca-cert-file"]
    srv = server_factory(config)
    admin = srv.client()
    with pytest.raises(redis.ResponseError) as exc:
        admin.config_set("tls-replication", "yes")
    assert str(exc.value) == TLS_UPDATE_FAILED.format("tls-replication")
    wait_for_log(srv, "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when "
                      "tls-cluster, tls-replication or tls-auth-clients are enabled!")
    assert admin.config_set("tls-ca-cert-file", str(certs / "ca.crt"))
    assert admin.config_set("tls-replication", "yes")


def test_config_set_reloads_certificate(server_factory, certs, tmp_path):
    cert, key = tmp_path / "live.crt", tmp_path / "live.key"
    shutil.copy(certs / "server.crt", cert)
    shutil.copy(certs / "server.key", key)
    srv = server_factory(tls_config(certs, tls_cert_file=cert, tls_key_file=key))
    live = tls_client(srv, certs)
    assert live.set("k", "v")
    # Swap in a certificate from another CA: new clients must now refuse it,
    # while the established connection keeps working.
    shutil.copy(certs / "other.crt", cert)
    shutil.copy(certs / "other.key", key)
    admin = srv.client()
    assert admin.config_set("tls-cert-file", str(cert))
    assert handshake_refused(srv, certs, "client")
    assert live.get("k") == b"v"
    shutil.copy(certs / "server.crt", cert)
    shutil.copy(certs / "server.key", key)
    assert admin.config_set("tls-key-file", str(key))
    assert not handshake_refused(srv, certs, "client")
    live.close()


def test_config_set_tls_port(server_factory, certs):
    srv = server_factory()
    admin = srv.client()
    port = harness.free_port()
    with pytest.raises(redis.ResponseError) as exc:
        admin.config_set("tls-port", port)
    assert str(exc.value) == TLS_UPDATE_FAILED.format("tls-port")
    wait_for_log(srv, "No tls-cert-file configured!")
    assert admin.config_get("tls-port") == {"tls-port": "0"}
    admin.execute_command("CONFIG", "SET", "tls-cert-file", str(certs / "server.crt"),
                          "tls-key-file", str(certs / "server.key"),
                          "tls-ca-cert-file", str(certs / "ca.crt"))
    assert admin.config_set("tls-port", port)
    assert redis_cli_tls(port, certs, "PING").strip() == "PONG"
    with pytest.raises(redis.ResponseError) as exc:
        admin.config_set("tls-port", srv.port)
    assert "Unable to listen on this port" in str(exc.value)
    assert redis_cli_tls(port, certs, "PING").strip() == "PONG"
    assert admin.config_set("tls-port", 0)
    assert "PONG" not in redis_cli_tls(port, certs, "PING")
    assert admin.ping()


@pytest.mark.parametrize("missing, logged", [
    ("tls-key-file", "No tls-key-file configured!"),
    ("tls-cert-file", "No tls-cert-file configured!"),
    ("tls-ca-cert-file", "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when "
                         "tls-cluster, tls-replication or tls-auth-clients are enabled!"),
])
def test_startup_fails_on_incomplete_config(certs, tmp_path, missing, logged):
    config = tls_config(certs)
    del config[missing]
    argv = [harness.server_binary(), "--port", str(harness.free_port()), "--bind", "127.0.0.1",
            "--save", "", "--dir", str(tmp_path)]
    for name, value in config.items():
        argv += ["--" + name, str(value)]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    out = proc.stdout.decode(errors="replace")
    assert proc.returncode == 1
    assert logged in out
    assert "Failed to configure TLS. Check logs for more info." in out


def non_loopback_address():
    """An IPv4 address of this host that is not loopback, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_protected_mode_refusal_is_sent_over_tls(server_factory, certs):
    address = non_loopback_address()
    if address is None:
        pytest.skip("no non-loopback IPv4 address to connect from")
    srv = server_factory(tls_config(certs, bind=["127.0.0.1", address]))
    client = tls_client(srv, certs)
    client.connection_pool.connection_kwargs["host"] = address
    with pytest.raises(redis.RedisError, match="DENIED Redis is running in protected mode"):
        client.ping()
    client.close()
    assert srv.client().ping()
