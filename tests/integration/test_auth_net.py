"""Authentication and the network-facing settings: requirepass and AUTH,
protected-mode, maxclients, timeout, unixsocket and several bind addresses.
Each test runs its own server, since each needs its own configuration."""

import socket

import pytest
import redis

from harness import RawConn, encode_command, wait_until

NOAUTH = b"-NOAUTH Authentication required.\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"


@pytest.fixture
def secured(server_factory):
    return server_factory({"requirepass": "s3cret"})


def test_commands_need_auth(secured, raw):
    conn = raw(secured)
    assert conn.command("GET", "k") == NOAUTH
    assert conn.command("SET", "k", "v") == NOAUTH
    assert conn.command("AUTH", "wrong") == WRONGPASS
    assert conn.command("AUTH", "s3cret") == b"+OK\r\n"
    assert conn.command("SET", "k", "v") == b"+OK\r\n"


def test_two_argument_auth_with_default_user(secured, raw):
    conn = raw(secured)
    assert conn.command("AUTH", "default", "wrong") == WRONGPASS
    assert conn.command("AUTH", "nobody", "s3cret") == WRONGPASS
    assert conn.command("AUTH", "default", "s3cret") == b"+OK\r\n"
    assert conn.command("PING") == b"+PONG\r\n"


def test_hello_auth_and_setname(secured, raw):
    conn = raw(secured)
    assert conn.command("HELLO", "2").startswith(
        b"-NOAUTH HELLO must be called with the client already authenticated")
    assert conn.command("HELLO", "2", "AUTH", "default", "bad") == WRONGPASS
    reply = conn.command("HELLO", "2", "AUTH", "default", "s3cret", "SETNAME", "authed")
    assert reply.startswith(b"*14\r\n$6\r\nserver\r\n")
    assert conn.command("CLIENT", "GETNAME") == b"$6\r\nauthed\r\n"


def test_redis_py_with_password(secured):
    client = secured.client(password="s3cret")
    assert client.set("k", "v") and client.get("k") == b"v"
    with pytest.raises(redis.RedisError, match="invalid username-password pair"):
        secured.client(password="nope").ping()
    client.close()


def test_auth_without_password_configured(server_factory, raw):
    conn = raw(server_factory())
    assert conn.command("AUTH", "x") == (
        b"-ERR AUTH <password> called without any password configured for the default "
        b"user. Are you sure your configuration is correct?\r\n")
    assert conn.command("AUTH", "default", "anything") == b"+OK\r\n"


def test_config_set_requirepass_takes_effect(server_factory, raw):
    srv = server_factory()
    admin = raw(srv)
    assert admin.command("CONFIG", "SET", "requirepass", "later") == b"+OK\r\n"
    assert raw(srv).command("PING") == NOAUTH
    assert admin.command("PING") == b"+PONG\r\n"


def test_unauthenticated_clients_get_tight_protocol_limits(secured, raw):
    big_count = raw(secured)
    big_count.send(b"*100\r\n")
    assert big_count.read_reply() == b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    assert big_count.read_until_closed() == b""
    big_bulk = raw(secured)
    big_bulk.send(b"*1\r\n$20000\r\n")
    assert big_bulk.read_reply() == b"-ERR Protocol error: unauthenticated bulk length\r\n"
    assert big_bulk.read_until_closed() == b""
    assert raw(secured).command("AUTH", "s3cret") == b"+OK\r\n"


def test_protected_mode_is_accepted(server_factory, raw):
    srv = server_factory({"protected-mode": "yes"})
    conn = raw(srv)
    assert conn.command("CONFIG", "GET", "protected-mode") == \
        b"*2\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n"
    # Loopback clients are always served, password or not.
    assert conn.command("SET", "k", "v") == b"+OK\r\n"
    assert conn.command("CONFIG", "SET", "protected-mode", "no") == b"+OK\r\n"


def test_maxclients(server_factory, raw):
    srv = server_factory({"maxclients": 3})
    first = raw(srv)
    # The harness's readiness probe may not be reaped yet: wait until the
    # server counts only this connection before filling the other slots.
    wait_until(lambda: b"connected_clients:1\r\n" in first.command("INFO", "clients"), 10,
               message="the startup probe connection to close")
    kept = [first] + [raw(srv) for _ in range(2)]
    for conn in kept:
        assert conn.command("PING") == b"+PONG\r\n"
    extra = raw(srv)
    assert extra.read_reply() == b"-ERR max number of clients reached\r\n"
    assert extra.read_until_closed() == b""
    kept[0].close()
    # The freed slot is usable again once the server notices the close.
    wait_until(lambda: _can_ping(srv), 10, message="a slot to free up")


def _can_ping(srv):
    with RawConn(srv.host, srv.port) as conn:
        return conn.command("PING") == b"+PONG\r\n"


def test_idle_timeout_closes_client(server_factory, raw):
    srv = server_factory({"timeout": 1})
    idle = raw(srv, timeout=15)
    assert idle.command("PING") == b"+PONG\r\n"
    assert idle.read_until_closed(timeout=15) == b""
    assert raw(srv).command("PING") == b"+PONG\r\n"


def test_unixsocket(server_factory, tmp_path):
    path = str(tmp_path / "vigil.sock")
    srv = server_factory({"unixsocket": path, "unixsocketperm": 700})
    with RawConn(unix_path=path) as conn:
        assert conn.command("SET", "via", "unix") == b"+OK\r\n"
    client = redis.Redis(unix_socket_path=path)
    assert client.get("via") == b"unix"
    assert srv.client().get("via") == b"unix"
    client.close()


def _has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback")
def test_bind_ipv4_and_ipv6_loopback(server_factory):
    srv = server_factory({"bind": ["127.0.0.1", "::1"]})
    with socket.create_connection(("::1", srv.port), timeout=5) as s6:
        s6.sendall(encode_command("SET", "family", "v6"))
        assert s6.recv(5) == b"+OK\r\n"
    assert srv.client().get("family") == b"v6"
    bound = srv.client().config_get("bind")["bind"]
    assert bound.split() == ["127.0.0.1", "::1"]
