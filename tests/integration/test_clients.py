"""Connections seen from the server: MONITOR's stream, CLIENT LIST/INFO/KILL
and PAUSE across several connections, HELLO/AUTH/RESET session state and
SHUTDOWN.  Deterministic single-connection replies are in
diff_scripts/clients.txt; these tests need several connections, a dedicated
server or the process's exit.  None of them needs FLUSHALL: each works on
keys of its own."""

import re
import signal
import time

import pytest

from harness import RawConn, encode_command, wait_until

NOAUTH = b"-NOAUTH Authentication required.\r\n"
MONITOR_LINE = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)\r\n$", re.S)
INFO_KEYS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
             "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl",
             "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp"]


def client_info(conn):
    """CLIENT INFO of conn as an ordered list of (field, value)."""
    reply = conn.command("CLIENT", "INFO")
    line = reply.split(b"\r\n", 1)[1].rstrip(b"\r\n").decode()
    return [tuple(item.split("=", 1)) for item in line.split(" ")]


def client_field(conn, name):
    return dict(client_info(conn))[name]


def listed(conn, *args):
    """CLIENT LIST [args] as a list of {field: value} dicts, in reply order."""
    reply = conn.command("CLIENT", "LIST", *args)
    assert reply.startswith(b"$"), reply
    body = reply.split(b"\r\n", 1)[1][:-2].decode()
    return [dict(item.split("=", 1) for item in line.split(" "))
            for line in body.split("\n") if line]


def monitor_lines_until(mon, last_command):
    """Monitor lines, without their timestamps, up to the one for last_command."""
    lines = []

    def collect():
        reply = mon.read_reply()
        m = MONITOR_LINE.match(reply)
        assert m, reply
        lines.append((int(m.group(3)), m.group(4).decode(), m.group(5).decode()))
        return m.group(5) == last_command
    wait_until(collect, 10, message="the last MONITOR line")
    return lines


# -- MONITOR -------------------------------------------------------------------

def test_monitor_shows_commands_as_redis_does(server, raw):
    conn = raw(server)
    addr = client_field(conn, "addr")
    mon = raw(server)
    assert mon.command("MONITOR") == b"+OK\r\n"
    assert conn.command("SET", "mon:k", "v") == b"+OK\r\n"
    assert conn.command("SELECT", "2") == b"+OK\r\n"
    conn.command("GET", "a b\x01\"\n")
    conn.command("AUTH", "secret")
    conn.command("AUTH", "default", "secret")
    conn.command("HELLO", "2", "AUTH", "default", "secret", "SETNAME", "n")
    conn.command("CLIENT", "LIST")
    conn.command("CLIENT", "KILL", "ID", "999999")
    conn.command("CLIENT", "GETNAME")
    conn.command("GET")
    conn.command("NOSUCHCOMMAND", "x")
    conn.command("SELECT", "0")
    conn.command("PING", "end")
    lines = monitor_lines_until(mon, b'"PING" "end"')
    expected = [
        (0, addr, '"SET" "mon:k" "v"'),
        (2, addr, '"SELECT" "2"'),
        (2, addr, '"GET" "a b\\x01\\"\\n"'),
        (2, addr, '"AUTH" "(redacted)"'),
        (2, addr, '"AUTH" "(redacted)" "(redacted)"'),
        (2, addr, '"HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"'),
        (2, addr, '"CLIENT" "GETNAME"'),
        (0, addr, '"SELECT" "0"'),
        (0, addr, '"PING" "end"'),
    ]
    assert lines == expected


def test_monitor_timestamp_is_wall_clock(server, raw):
    mon = raw(server)
    assert mon.command("MONITOR") == b"+OK\r\n"
    before = time.time()
    raw(server).command("PING", "clock")
    m = MONITOR_LINE.match(mon.read_reply())
    assert m
    stamp = int(m.group(1)) + int(m.group(2)) / 1e6
    assert before - 1 <= stamp <= time.time() + 1


def test_monitor_unix_socket_origin(server_factory, tmp_path, raw):
    path = str(tmp_path / "mon.sock")
    srv = server_factory({"unixsocket": path, "unixsocketperm": 700})
    mon = raw(srv)
    assert mon.command("MONITOR") == b"+OK\r\n"
    with RawConn(unix_path=path) as conn:
        assert conn.command("PING", "via-unix") == b"$8\r\nvia-unix\r\n"
    lines = monitor_lines_until(mon, b'"PING" "via-unix"')
    assert lines == [(0, "unix:" + path, '"PING" "via-unix"')]


def test_monitor_twice_is_silent_and_listed_with_flag_o(server, raw):
    mon = raw(server)
    mon_id = client_field(mon, "id")
    assert mon.command("MONITOR") == b"+OK\r\n"
    mon.send(encode_command("MONITOR"))
    other = raw(server)
    [row] = listed(other, "ID", mon_id)
    assert (row["flags"], row["cmd"]) == ("O", "monitor")
    other.command("PING", "after-second-monitor")
    # The first thing the monitor gets after its second MONITOR is a line.
    assert mon.read_reply().endswith(b'"PING" "after-second-monitor"\r\n')


def test_reset_leaves_monitor_mode(server, raw):
    mon = raw(server)
    mon_id = client_field(mon, "id")
    assert mon.command("MONITOR") == b"+OK\r\n"
    assert mon.command("RESET") == b"+RESET\r\n"
    other = raw(server)
    other.command("PING", "unseen")
    assert mon.command("PING") == b"+PONG\r\n"
    [row] = listed(other, "ID", mon_id)
    assert row["flags"] == "N"


def test_monitor_is_exempt_from_idle_timeout(server_factory, raw):
    srv = server_factory({"timeout": 1})
    mon = raw(srv, timeout=15)
    assert mon.command("MONITOR") == b"+OK\r\n"
    idle = raw(srv, timeout=15)
    assert idle.command("PING") == b"+PONG\r\n"
    assert idle.read_until_closed(timeout=15) == b""
    raw(srv).command("PING", "still-monitoring")
    lines = monitor_lines_until(mon, b'"PING" "still-monitoring"')
    assert lines[-1][2] == '"PING" "still-monitoring"'


# -- CLIENT LIST / INFO / KILL ---------------------------------------------------

def test_client_info_fields_match_redis(server_factory, redis_peer_factory, raw):
    ours = client_info(raw(server_factory()))
    theirs = client_info(raw(redis_peer_factory()))
    assert [k for k, _ in ours] == [k for k, _ in theirs] == INFO_KEYS
    fields = dict(ours)
    assert fields["cmd"] == "client|info" and fields["flags"] == "N"
    assert fields["argv-mem"] == "10"  # "client" + "info"
    assert fields["user"] == "default" and fields["resp"] == "2"


def test_client_list_names_current_and_last_command(server, raw):
    a = raw(server)
    b = raw(server)
    a.command("SET", "cl:k", "v")
    a_id = client_field(a, "id")
    assert [c["cmd"] for c in listed(b, "ID", a_id)] == ["client|info"]
    a.command("NOSUCHCOMMAND")
    assert [c["cmd"] for c in listed(b, "ID", a_id)] == ["NULL"]
    assert [c["cmd"] for c in listed(b, "ID", client_field(b, "id"))] == ["client|list"]


def test_client_list_by_ids_keeps_order_and_repeats(server, raw):
    a = raw(server)
    b = raw(server)
    a_id, b_id = client_field(a, "id"), client_field(b, "id")
    rows = listed(a, "ID", b_id, a_id, "999999", b_id)
    assert [r["id"] for r in rows] == [b_id, a_id, b_id]
    assert {r["id"] for r in listed(a, "TYPE", "normal")} >= {a_id, b_id}
    assert listed(a, "TYPE", "pubsub") == []
    assert listed(a, "TYPE", "replica") == []


def test_client_kill_filters_are_anded(server, raw):
    killer = raw(server)
    v1 = raw(server)
    v2 = raw(server)
    v1_id = client_field(v1, "id")
    v2_addr = client_field(v2, "addr")
    assert killer.command("CLIENT", "KILL", "ID", v1_id, "ADDR", v2_addr) == b":0\r\n"
    assert killer.command("CLIENT", "KILL", "ADDR", v2_addr, "TYPE", "pubsub") == b":0\r\n"
    assert killer.command("CLIENT", "KILL", "ADDR", v2_addr, "TYPE", "normal") == b":1\r\n"
    assert v2.read_until_closed() == b""
    assert v1.command("PING") == b"+PONG\r\n"


def test_client_kill_self_replies_then_closes(server, raw):
    new_form = raw(server)
    own_id = client_field(new_form, "id")
    assert new_form.command("CLIENT", "KILL", "ID", own_id) == b":0\r\n"
    new_form.send(encode_command("CLIENT", "KILL", "ID", own_id, "SKIPME", "no"))
    assert new_form.read_reply() == b":1\r\n"
    assert new_form.read_until_closed() == b""
    old_form = raw(server)
    old_form.send(encode_command("CLIENT", "KILL", client_field(old_form, "addr")))
    assert old_form.read_reply() == b"+OK\r\n"
    assert old_form.read_until_closed() == b""


# -- CLIENT PAUSE, REPLY, NO-EVICT -----------------------------------------------

def test_client_pause_all_holds_the_pauser_too(server, raw):
    pauser = raw(server)
    assert pauser.command("CLIENT", "PAUSE", "300", "ALL") == b"+OK\r\n"
    started = time.monotonic()
    assert pauser.command("PING") == b"+PONG\r\n"
    assert time.monotonic() - started >= 0.2


def test_client_pause_keeps_the_longer_pause(server, raw):
    pauser = raw(server)
    writer = raw(server)
    assert pauser.command("CLIENT", "PAUSE", "20000", "WRITE") == b"+OK\r\n"
    try:
        assert pauser.command("CLIENT", "PAUSE", "1", "WRITE") == b"+OK\r\n"
        writer.send(encode_command("SET", "pause:k", "v"))
        assert writer.try_read_reply(0.5) is None
    finally:
        assert pauser.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert writer.read_reply() == b"+OK\r\n"


def test_client_pause_write_holds_the_clients_later_reads(server, raw):
    # Commands run in order: a read behind a held write waits with it.
    pauser = raw(server)
    client = raw(server)
    assert pauser.command("CLIENT", "PAUSE", "20000", "WRITE") == b"+OK\r\n"
    try:
        client.send(encode_command("SET", "pause:order", "1") +
                    encode_command("GET", "pause:order"))
        assert client.try_read_reply(0.3) is None
    finally:
        assert pauser.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert client.read_replies(2) == [b"+OK\r\n", b"$1\r\n1\r\n"]


def test_reset_clears_reply_off_but_skip_covers_reset(server, raw):
    conn = raw(server)
    conn.send(encode_command("CLIENT", "REPLY", "OFF"))
    conn.send(encode_command("SET", "reply:k", "v"))
    assert conn.command("RESET") == b"+RESET\r\n"
    conn.send(encode_command("CLIENT", "REPLY", "SKIP"))
    conn.send(encode_command("RESET"))
    assert conn.command("PING") == b"+PONG\r\n"


def test_reset_keeps_no_evict_and_clears_the_rest(server, raw):
    conn = raw(server)
    assert conn.command("CLIENT", "NO-EVICT", "on") == b"+OK\r\n"
    assert conn.command("CLIENT", "SETNAME", "before") == b"+OK\r\n"
    assert conn.command("SELECT", "7") == b"+OK\r\n"
    assert conn.command("RESET") == b"+RESET\r\n"
    fields = dict(client_info(conn))
    assert (fields["flags"], fields["name"], fields["db"]) == ("e", "", "0")


# -- HELLO, AUTH, RESET with a password ----------------------------------------

@pytest.fixture
def secured(server_factory):
    return server_factory({"requirepass": "s3cret"})


def test_hello_auth_applies_before_a_bad_option(secured, raw):
    conn = raw(secured)
    assert conn.command("HELLO", "2", "AUTH", "default", "s3cret", "BADOPT") == \
        b"-ERR Syntax error in HELLO option 'BADOPT'\r\n"
    assert conn.command("PING") == b"+PONG\r\n"


def test_hello_bad_name_before_auth_stays_unauthenticated(secured, raw):
    conn = raw(secured)
    reply = conn.command("HELLO", "2", "SETNAME", "a b", "AUTH", "default", "s3cret")
    assert reply == b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
    assert conn.command("PING") == NOAUTH
    reply = conn.command("HELLO", "2", "SETNAME", "ok", "AUTH", "default", "s3cret")
    assert reply.startswith(b"*14\r\n")
    assert conn.command("CLIENT", "GETNAME") == b"$2\r\nok\r\n"


def test_reset_logs_out_when_a_password_is_set(secured, raw):
    conn = raw(secured)
    assert conn.command("AUTH", "s3cret") == b"+OK\r\n"
    assert conn.command("RESET") == b"+RESET\r\n"
    assert conn.command("PING") == NOAUTH
    assert conn.command("AUTH", "default", "s3cret") == b"+OK\r\n"
    assert conn.command("PING") == b"+PONG\r\n"


def test_failed_auth_keeps_an_authenticated_session(secured, raw):
    conn = raw(secured)
    assert conn.command("AUTH", "s3cret") == b"+OK\r\n"
    assert conn.command("AUTH", "wrong").startswith(b"-WRONGPASS")
    assert conn.command("PING") == b"+PONG\r\n"


@pytest.mark.vigil_only
def test_hello_3_is_not_supported_yet(server, raw):
    assert raw(server).command("HELLO", "3") == b"-NOPROTO unsupported protocol version\r\n"


# -- SHUTDOWN --------------------------------------------------------------------

def test_shutdown_bad_flags_keep_serving(server_factory, raw):
    srv = server_factory()
    conn = raw(srv)
    for args in (("SAVE", "NOSAVE"), ("ABORT", "NOW"), ("NOW", "BADOPT")):
        assert conn.command("SHUTDOWN", *args) == b"-ERR syntax error\r\n"
    assert conn.command("SHUTDOWN", "ABORT") == b"-ERR No shutdown in progress.\r\n"
    assert conn.command("PING") == b"+PONG\r\n"
    assert srv.proc.poll() is None


def test_shutdown_closes_every_client_and_removes_the_socket(server_factory, tmp_path, raw):
    path = tmp_path / "down.sock"
    srv = server_factory({"unixsocket": str(path), "unixsocketperm": 700})
    bystander = raw(srv)
    assert bystander.command("PING") == b"+PONG\r\n"
    with srv.raw() as c:
        c.send(encode_command("SHUTDOWN", "NOSAVE", "NOW"))
        assert c.read_until_closed() == b""
    assert srv.wait_exit() == 0
    assert bystander.read_until_closed() == b""
    assert not path.exists()


def test_sigint_shuts_down_cleanly(server_factory):
    srv = server_factory()
    srv.proc.send_signal(signal.SIGINT)
    assert srv.wait_exit() == 0
