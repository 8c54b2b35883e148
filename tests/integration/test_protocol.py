"""RESP at the byte level: pipelining, inline commands, big values, many
clients, and malformed input.  Every protocol error must produce Redis's exact
reply, close that connection, and leave the server serving everyone else."""

import socket

import pytest

from harness import RawConn, encode_command


@pytest.fixture
def conn(r, server, raw):
    return raw(server)


def assert_still_serving(srv):
    with srv.raw() as other:
        assert other.command("PING") == b"+PONG\r\n"


def test_pipeline_10k_commands_in_one_write(conn):
    conn.send(encode_command("INCR", "counter") * 10_000)
    replies = conn.read_replies(10_000, timeout=60)
    assert replies[0] == b":1\r\n" and replies[-1] == b":10000\r\n"
    assert replies == [b":%d\r\n" % i for i in range(1, 10_001)]


def test_pipeline_mixed_commands(conn):
    conn.send(encode_command("SET", "a", "1") + b"GET a\r\n" + encode_command("DEL", "a")
              + b"PING\r\n")
    assert conn.read_replies(4) == [b"+OK\r\n", b"$1\r\n1\r\n", b":1\r\n", b"+PONG\r\n"]


def test_inline_commands(conn):
    conn.send(b"PING\r\n")
    assert conn.read_reply() == b"+PONG\r\n"
    conn.send(b"SET a b\r\n")
    assert conn.read_reply() == b"+OK\r\n"
    conn.send(b"GET a\n")
    assert conn.read_reply() == b"$1\r\nb\r\n"
    conn.send(b'SET k "hello world\\n"\r\nGET k\r\n')
    assert conn.read_replies(2) == [b"+OK\r\n", b"$12\r\nhello world\n\r\n"]
    conn.send(b"SET q 'it\\'s'\r\nGET q\r\n")
    assert conn.read_replies(2) == [b"+OK\r\n", b"$4\r\nit's\r\n"]
    conn.send(b'SET h "\\x41\\x42"\r\nGET h\r\n')
    assert conn.read_replies(2) == [b"+OK\r\n", b"$2\r\nAB\r\n"]


def test_empty_lines_and_empty_multibulk_are_ignored(conn):
    conn.send(b"\r\n\n*0\r\n*-1\r\nPING\r\n")
    assert conn.read_reply() == b"+PONG\r\n"


def test_command_split_across_writes(conn):
    data = encode_command("SET", "split", "value")
    for i in range(len(data)):
        conn.send(data[i:i + 1])
    assert conn.read_reply() == b"+OK\r\n"
    assert conn.command("GET", "split") == b"$5\r\nvalue\r\n"


def test_100mb_value_round_trip(server, r):
    value = b"v" * (100 * 1024 * 1024)
    client = server.client(socket_timeout=120)
    assert client.set("huge", value)
    assert client.strlen("huge") == len(value)
    assert client.get("huge") == value
    client.delete("huge")
    client.close()


def test_500_concurrent_clients(server, r):
    conns = [RawConn(server.host, server.port) for _ in range(500)]
    try:
        for i, c in enumerate(conns):
            c.send(encode_command("SET", f"client:{i}", str(i)))
        for c in conns:
            assert c.read_reply() == b"+OK\r\n"
        assert r.dbsize() == 500
        assert r.info("clients")["connected_clients"] >= 501
        for i, c in enumerate(conns):
            assert c.command("GET", f"client:{i}") == b"$%d\r\n%d\r\n" % (len(str(i)), i)
    finally:
        for c in conns:
            c.close()


PROTOCOL_ERRORS = [
    (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\nxyz\r\n", b"-ERR Protocol error: expected '$', got 'x'\r\n"),
    (b"*1\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$536870913\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b'SET "a b\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b"SET 'a b\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b'SET "a"b c\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b"x" * 70_000, b"-ERR Protocol error: too big inline request\r\n"),
    (b"*" + b"1" * 70_000, b"-ERR Protocol error: too big mbulk count string\r\n"),
    (b"*1\r\n$" + b"1" * 70_000, b"-ERR Protocol error: too big bulk count string\r\n"),
]


@pytest.mark.parametrize("data, error", PROTOCOL_ERRORS,
                         ids=[repr(d[:20]) for d, _ in PROTOCOL_ERRORS])
def test_protocol_error_replies_and_closes(server, conn, data, error):
    assert conn.command("PING") == b"+PONG\r\n"
    conn.send(data)
    assert conn.read_reply() == error
    assert conn.read_until_closed() == b""
    assert_still_serving(server)


def test_replies_before_a_protocol_error_are_delivered(server, conn):
    conn.send(b"PING\r\nSET a 1\r\n*1\r\nxyz\r\n")
    assert conn.read_until_closed() == (
        b"+PONG\r\n+OK\r\n-ERR Protocol error: expected '$', got 'x'\r\n")
    assert_still_serving(server)


def test_garbage_inline_is_an_unknown_command(conn):
    conn.send(b"\xff\xfegarbage here\r\n")
    assert conn.read_reply() == (
        b"-ERR unknown command '\xff\xfegarbage', with args beginning with: 'here' \r\n")
    assert conn.command("PING") == b"+PONG\r\n"


def test_random_bytes_never_crash_the_server(server):
    payloads = [bytes((i * 37 + j * 11) % 256 for j in range(2000)) for i in range(20)]
    for data in payloads:
        with server.raw(timeout=2) as c:
            try:
                c.send(data)
                c.try_read_reply(0.05)
            except (ConnectionError, OSError, ValueError):
                pass
    assert_still_serving(server)


def test_query_buffer_limit_closes_client(server_factory, raw):
    srv = server_factory({"client-query-buffer-limit": "1mb"})
    greedy = raw(srv)
    greedy.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n")
    try:
        greedy.send(b"x" * 1_500_000)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert greedy.read_until_closed() == b""
    assert_still_serving(srv)
    assert "max query buffer" in srv.log_text()


def test_half_closed_client_gets_its_reply(server):
    with socket.create_connection((server.host, server.port), timeout=10) as s:
        s.sendall(encode_command("PING"))
        s.shutdown(socket.SHUT_WR)
        assert s.recv(100) == b"+PONG\r\n"
