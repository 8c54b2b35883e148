"""Connection and server commands: PING/ECHO/QUIT/RESET/HELLO, INFO, CONFIG,
CLIENT, COMMAND, SLOWLOG, MONITOR, LATENCY, DEBUG, SHUTDOWN, LASTSAVE.
Deterministic error bytes are in diff_scripts/server.txt; these tests need
several connections, state that changes over time, or a dedicated server."""

import re
import time

import pytest

from harness import encode_command, wait_until

INFO_SECTIONS = {
    "server": b"# Server", "clients": b"# Clients", "memory": b"# Memory",
    "persistence": b"# Persistence", "stats": b"# Stats",
    "replication": b"# Replication", "cpu": b"# CPU",
    "commandstats": b"# Commandstats", "errorstats": b"# Errorstats",
    "keyspace": b"# Keyspace",
}


@pytest.fixture
def conn(r, server, raw):
    return raw(server)


def info_text(conn, *sections):
    reply = conn.command("INFO", *sections)
    assert reply.startswith(b"$")
    return reply.split(b"\r\n", 1)[1]


# -- PING, ECHO, QUIT, RESET, HELLO, TIME, LASTSAVE ---------------------------

def test_ping_echo(conn):
    assert conn.command("PING") == b"+PONG\r\n"
    assert conn.command("PING", "hi") == b"$2\r\nhi\r\n"
    assert conn.command("ECHO", "a\r\nb") == b"$4\r\na\r\nb\r\n"


def test_quit_replies_ok_then_closes(server):
    with server.raw() as c:
        c.send(encode_command("QUIT"))
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_until_closed() == b""


def test_reset_restores_connection_state(conn):
    conn.command("SELECT", "3")
    conn.command("CLIENT", "SETNAME", "named")
    conn.command("CLIENT", "REPLY", "ON")
    assert conn.command("RESET") == b"+RESET\r\n"
    assert conn.command("CLIENT", "GETNAME") == b"$-1\r\n"
    info = conn.command("CLIENT", "INFO")
    assert b" db=0 " in info


def test_hello_2_reports_server_fields(server, r):
    client = server.client()
    fields = client.execute_command("HELLO", 2, "SETNAME", "hello-client")
    reply = dict(zip(fields[::2], fields[1::2]))
    assert reply[b"proto"] == 2
    assert reply[b"mode"] == b"standalone" and reply[b"role"] == b"master"
    assert isinstance(reply[b"id"], int) and b"version" in reply
    assert client.execute_command("CLIENT", "GETNAME") == b"hello-client"
    client.close()


def test_time_and_lastsave(r):
    seconds, micros = r.execute_command("TIME")
    assert abs(int(seconds) - time.time()) < 5 and 0 <= int(micros) < 1_000_000
    assert r.lastsave().timestamp() <= time.time() + 1


# -- INFO --------------------------------------------------------------------

def test_info_default_sections(conn):
    text = info_text(conn)
    for name in ("server", "clients", "memory", "persistence", "stats",
                 "replication", "cpu", "errorstats", "keyspace"):
        assert INFO_SECTIONS[name] in text
    assert b"# Commandstats" not in text
    assert b"redis_version:" in text and b"tcp_port:" in text


@pytest.mark.parametrize("section", sorted(INFO_SECTIONS))
def test_info_single_section(conn, section):
    conn.command("SET", "k", "v")
    conn.command("INCR", "k")
    text = info_text(conn, section)
    assert text.startswith(INFO_SECTIONS[section])
    others = [h for n, h in INFO_SECTIONS.items() if n != section]
    assert not any(h in text for h in others)


def test_info_several_sections_and_all(conn):
    text = info_text(conn, "server", "keyspace")
    assert INFO_SECTIONS["server"] in text and INFO_SECTIONS["keyspace"] in text
    assert INFO_SECTIONS["memory"] not in text
    everything = info_text(conn, "everything")
    all_text = info_text(conn, "all")
    for header in INFO_SECTIONS.values():
        assert header in everything and header in all_text


def test_info_fields(r, server):
    r.set("k", "v")
    with pytest.raises(Exception):
        r.lpush("k", "x")
    info = r.info("everything")
    assert info["tcp_port"] == server.port
    assert info["connected_clients"] >= 1
    assert info["used_memory"] > 0
    assert info["cmdstat_set"]["calls"] >= 1
    assert re.search(rb"^errorstat_WRONGTYPE:count=[1-9]", info_text(server.raw(), "errorstats"),
                     re.M)
    assert info["db0"]["keys"] == 1
    assert info["role"] == "master"


# -- CONFIG ------------------------------------------------------------------

def test_config_get_globs_and_several(r):
    found = r.config_get("max*")
    assert {"maxclients", "maxmemory", "maxmemory-policy"} <= set(found)
    both = r.execute_command("CONFIG", "GET", "port", "databases")
    assert dict(zip(both[::2], both[1::2])).keys() == {b"port", b"databases"}


def test_config_set_several_pairs_is_atomic(r, conn):
    try:
        assert conn.command("CONFIG", "SET", "hz", "15", "slowlog-max-len", "77") == b"+OK\r\n"
        assert r.config_get("hz") == {"hz": "15"}
        assert r.config_get("slowlog-max-len") == {"slowlog-max-len": "77"}
        reply = conn.command("CONFIG", "SET", "hz", "20", "maxmemory-policy", "bogus")
        assert reply.startswith(b"-ERR CONFIG SET failed")
        assert r.config_get("hz") == {"hz": "15"}
    finally:
        r.config_set("hz", 10)
        r.config_set("slowlog-max-len", 128)


def test_config_resetstat(r):
    r.set("a", 1)
    with pytest.raises(Exception):
        r.lpush("a", 1)
    assert r.config_resetstat()
    info = r.info("everything")
    assert "cmdstat_set" not in info
    assert "errorstat_WRONGTYPE" not in info
    assert info["total_commands_processed"] <= 2


def test_config_rewrite_keeps_comments(server_factory):
    text = ("# Vigil test configuration\n"
            "# keep this comment\n"
            "maxmemory-policy noeviction\n"
            "hz 10\n")
    srv = server_factory(config_file=text)
    client = srv.client()
    client.config_set("maxmemory-policy", "allkeys-lru")
    client.config_set("slowlog-max-len", 333)
    assert client.config_rewrite()
    rewritten = srv.config_path.read_text()
    assert "# Vigil test configuration" in rewritten
    assert "# keep this comment" in rewritten
    assert re.search(r"^maxmemory-policy allkeys-lru$", rewritten, re.M)
    assert re.search(r"^slowlog-max-len 333$", rewritten, re.M)
    assert not re.search(r"^maxmemory-policy noeviction$", rewritten, re.M)
    client.close()


def test_config_rewrite_without_file(conn):
    assert conn.command("CONFIG", "REWRITE") == \
        b"-ERR The server is running without a config file\r\n"


# -- CLIENT ------------------------------------------------------------------

def test_client_id_name_list_info(server, r, raw):
    a = server.client()
    a.client_setname("alpha")
    a_id = a.client_id()
    assert a_id != r.client_id()
    listed = {c["name"]: c for c in r.client_list()}
    assert int(listed["alpha"]["id"]) == a_id
    assert listed["alpha"]["addr"].startswith("127.0.0.1:")
    info = a.client_info()
    assert info["name"] == "alpha" and int(info["id"]) == a_id
    only = raw(server).command("CLIENT", "LIST", "ID", str(a_id))
    body = only.split(b"\r\n", 1)[1][:-2]
    assert body.count(b"\n") == 1 and b" name=alpha " in body
    a.close()


def test_client_kill_filters(server, r, raw):
    victims = [raw(server) for _ in range(3)]
    ids = []
    for v in victims:
        ids.append(int(v.command("CLIENT", "ID")[1:-2]))
    assert r.client_kill_filter(_id=ids[0]) == 1
    assert victims[0].read_until_closed() == b""
    addr = [c["addr"] for c in r.client_list() if int(c["id"]) == ids[1]][0]
    assert r.client_kill(addr)
    assert victims[1].read_until_closed() == b""
    laddr = f"127.0.0.1:{server.port}"
    killer = raw(server)
    reply = killer.command("CLIENT", "KILL", "LADDR", laddr, "SKIPME", "yes")
    assert reply.startswith(b":") and int(reply[1:-2]) >= 1
    assert victims[2].read_until_closed() == b""
    assert killer.command("PING") == b"+PONG\r\n"


def test_client_kill_user_filter(server, raw):
    keeper = raw(server)
    victim = raw(server)
    reply = keeper.command("CLIENT", "KILL", "USER", "default", "SKIPME", "yes")
    assert int(reply[1:-2]) >= 1
    assert victim.read_until_closed() == b""
    assert keeper.command("PING") == b"+PONG\r\n"


def test_client_kill_type_normal_skipme(server, raw):
    keeper = raw(server)
    others = [raw(server) for _ in range(2)]
    reply = keeper.command("CLIENT", "KILL", "TYPE", "normal")
    assert int(reply[1:-2]) >= 2
    for o in others:
        assert o.read_until_closed() == b""
    assert keeper.command("PING") == b"+PONG\r\n"


def test_client_pause_write_blocks_writes_only(server, r, raw):
    pauser = raw(server)
    writer = raw(server)
    reader = raw(server)
    assert pauser.command("CLIENT", "PAUSE", "20000", "WRITE") == b"+OK\r\n"
    try:
        assert reader.command("GET", "k") == b"$-1\r\n"
        writer.send(encode_command("SET", "k", "v"))
        assert writer.try_read_reply(0.3) is None
    finally:
        assert pauser.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert writer.read_reply() == b"+OK\r\n"
    assert reader.command("GET", "k") == b"$1\r\nv\r\n"


def test_client_pause_all_blocks_reads_until_timeout(server, r, raw):
    # Under ALL even CLIENT UNPAUSE waits, so the pause must end by its timeout.
    pauser = raw(server)
    reader = raw(server)
    assert pauser.command("CLIENT", "PAUSE", "600", "ALL") == b"+OK\r\n"
    reader.send(encode_command("GET", "k"))
    assert reader.try_read_reply(0.2) is None
    assert reader.read_reply(timeout=5) == b"$-1\r\n"


def test_client_pause_expires_by_itself(server, raw):
    pauser = raw(server)
    writer = raw(server)
    assert pauser.command("CLIENT", "PAUSE", "200", "WRITE") == b"+OK\r\n"
    writer.send(encode_command("SET", "p", "1"))
    assert writer.read_reply(timeout=5) == b"+OK\r\n"


def test_client_reply_off_on_skip(conn):
    conn.send(encode_command("CLIENT", "REPLY", "OFF"))
    conn.send(encode_command("SET", "a", "1"))
    conn.send(encode_command("CLIENT", "REPLY", "ON"))
    assert conn.read_reply() == b"+OK\r\n"
    conn.send(encode_command("CLIENT", "REPLY", "SKIP"))
    conn.send(encode_command("SET", "b", "2"))
    conn.send(encode_command("GET", "a"))
    assert conn.read_reply() == b"$1\r\n1\r\n"
    assert conn.command("GET", "b") == b"$1\r\n2\r\n"


def test_client_no_evict_flag(conn):
    assert conn.command("CLIENT", "NO-EVICT", "on") == b"+OK\r\n"
    assert b"flags=e" in conn.command("CLIENT", "INFO")
    assert conn.command("CLIENT", "NO-EVICT", "off") == b"+OK\r\n"
    assert b"flags=N" in conn.command("CLIENT", "INFO")


# -- COMMAND -----------------------------------------------------------------

def test_command_count_info_list(conn):
    count = conn.command("COMMAND", "COUNT")
    assert count.startswith(b":") and int(count[1:-2]) > 30
    info = conn.command("COMMAND", "INFO", "get", "nosuch")
    assert info.startswith(b"*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n"
                           b":1\r\n:1\r\n:1\r\n")
    assert info.endswith(b"$-1\r\n")
    names = conn.command("COMMAND", "LIST")
    for name in (b"get", b"set", b"scan", b"client", b"config"):
        assert b"\r\n%s\r\n" % name in names
    filtered = conn.command("COMMAND", "LIST", "FILTERBY", "PATTERN", "*expire*")
    for name in (b"expire", b"pexpire", b"expireat", b"pexpireat"):
        assert b"\r\n%s\r\n" % name in filtered


def test_command_docs_and_getkeys(conn):
    docs = conn.command("COMMAND", "DOCS", "get")
    assert docs.startswith(b"*2\r\n$3\r\nget\r\n")
    assert b"summary" in docs and b"arguments" in docs
    assert conn.command("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2") == \
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    assert conn.command("COMMAND", "GETKEYS", "COPY", "s", "d", "DB", "2") == \
        b"*2\r\n$1\r\ns\r\n$1\r\nd\r\n"


# -- SLOWLOG, MONITOR, LATENCY -------------------------------------------------

def test_slowlog_records_commands(r):
    r.slowlog_reset()
    r.config_set("slowlog-log-slower-than", 0)
    try:
        r.set("slow", "v")
        entries = r.slowlog_get(10)
        assert any(e["command"] == b"SET slow v" for e in entries)
        assert r.slowlog_len() >= 1
        assert r.slowlog_reset() and r.slowlog_len() <= 1
    finally:
        r.config_set("slowlog-log-slower-than", 10000)
    r.slowlog_reset()
    r.set("fast", "v")
    assert r.slowlog_len() == 0


def test_monitor_streams_commands(server, r, raw):
    mon = raw(server)
    assert mon.command("MONITOR") == b"+OK\r\n"
    r.set("watched", "value")
    pattern = re.compile(rb'^\+\d+\.\d+ \[0 127\.0\.0\.1:\d+\] "SET" "watched" "value"\r\n$',
                         re.I)
    line = wait_until(lambda: _next_matching(mon, pattern), 10, message="MONITOR line")
    assert line


def _next_matching(conn, pattern):
    reply = conn.read_reply()
    return reply if pattern.match(reply) else None


def test_latency_monitor(r):
    r.config_set("latency-monitor-threshold", 50)
    try:
        r.execute_command("DEBUG", "SLEEP", "0.1")
        latest = r.execute_command("LATENCY", "LATEST")
        events = {row[0]: row for row in latest}
        assert b"command" in events and events[b"command"][2] >= 100
        history = r.execute_command("LATENCY", "HISTORY", "command")
        assert history and history[-1][1] >= 100
        assert r.execute_command("LATENCY", "RESET") >= 1
        assert r.execute_command("LATENCY", "LATEST") == []
    finally:
        r.config_set("latency-monitor-threshold", 0)


# -- DEBUG ---------------------------------------------------------------------

def test_debug_object_and_sleep(server, r, raw):
    r.set("d", "hello")
    reply = raw(server).command("DEBUG", "OBJECT", "d")
    assert reply.startswith(b"+Value at:") and b"encoding:embstr" in reply
    started = time.monotonic()
    r.execute_command("DEBUG", "SLEEP", "0.2")
    assert time.monotonic() - started >= 0.2


def test_debug_is_gated_by_config(server_factory, raw):
    srv = server_factory({"enable-debug-command": "no"})
    reply = raw(srv).command("DEBUG", "SLEEP", "0")
    assert reply == (
        b"-ERR DEBUG command not allowed. If the enable-debug-command option is set to "
        b"\"local\", you can run it from a local connection, otherwise you need to set "
        b"this option in the configuration file, and then restart the server.\r\n")


def test_debug_local_allows_loopback(server_factory, raw):
    srv = server_factory({"enable-debug-command": "local"})
    assert raw(srv).command("DEBUG", "SLEEP", "0") == b"+OK\r\n"


# -- SHUTDOWN --------------------------------------------------------------------

def shutdown_and_wait(srv, *args):
    """Send SHUTDOWN args; the connection must close and the process exit 0."""
    with srv.raw() as c:
        c.send(encode_command("SHUTDOWN", *args))
        assert c.read_until_closed() == b""
    assert srv.wait_exit() == 0


def test_shutdown_nosave(server_factory):
    srv = server_factory()
    srv.client().set("k", "v")
    shutdown_and_wait(srv, "NOSAVE")
    assert not (srv.dir / "dump.rdb").exists()


def test_shutdown_save_writes_dump(server_factory):
    srv = server_factory()
    srv.client().set("k", "v")
    shutdown_and_wait(srv, "SAVE")
    assert (srv.dir / "dump.rdb").stat().st_size > 0


def test_shutdown_now_force(server_factory):
    srv = server_factory()
    shutdown_and_wait(srv, "NOW", "FORCE", "NOSAVE")


def test_shutdown_plain_without_save_points(server_factory):
    srv = server_factory()
    shutdown_and_wait(srv)
    assert not (srv.dir / "dump.rdb").exists()


def test_shutdown_abort_without_shutdown(conn):
    assert conn.command("SHUTDOWN", "ABORT") == b"-ERR No shutdown in progress.\r\n"
    assert conn.command("PING") == b"+PONG\r\n"


def test_sigterm_exits_cleanly(server_factory):
    srv = server_factory()
    srv.stop()
    assert srv.proc.returncode == 0


def test_lastsave_moves_on_save(server_factory):
    srv = server_factory()
    client = srv.client()
    before = client.lastsave()
    assert client.save()
    assert client.lastsave() >= before
    assert (srv.dir / "dump.rdb").exists()
    client.close()

