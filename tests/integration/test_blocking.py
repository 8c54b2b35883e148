"""Blocking list commands over raw connections: who is served, in which
order and with which reply; timeouts; what keeps a client blocked; cleanup
on disconnect; MULTI and CLIENT UNBLOCK (skipped while the server lacks
them).  Every wait for a client to block polls INFO blocked_clients with a
deadline; "no reply" checks read with a short bounded timeout."""

import time

import pytest

import harness

NIL_ARRAY = b"*-1\r\n"
WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


def bulk(s):
    s = s.encode() if isinstance(s, str) else s
    return b"$%d\r\n%s\r\n" % (len(s), s)


def array(*items):
    return b"*%d\r\n" % len(items) + b"".join(items)


def key_elem(key, elem):
    return array(bulk(key), bulk(elem))


def blocked_clients(conn):
    info = conn.command("INFO", "clients").decode()
    return int(info.split("blocked_clients:")[1].split("\r\n")[0])


def wait_blocked(conn, n):
    harness.wait_until(lambda: blocked_clients(conn) == n, timeout=5,
                       message=f"{n} blocked clients")


def require_command(conn, name):
    if conn.command("COMMAND", "INFO", name) == b"*1\r\n$-1\r\n":
        pytest.skip(f"{name} is not implemented by this server yet")


@pytest.fixture
def ctl(server, raw):
    conn = raw(server)
    conn.command("FLUSHALL")
    conn.command("SELECT", "0")
    return conn


@pytest.fixture
def new(server, raw):
    return lambda: raw(server)


def block(conn, ctl, n, *cmd):
    """Sends cmd on conn and waits until n clients are blocked."""
    conn.send(harness.encode_command(*cmd))
    wait_blocked(ctl, n)


# ---- serving ---------------------------------------------------------------

def test_push_wakes_the_oldest_client_and_one_element_goes_to_one_client(ctl, new):
    clients = [new() for _ in range(3)]
    for i, conn in enumerate(clients):
        block(conn, ctl, i + 1, "BLPOP", "q", "0")
    assert ctl.command("RPUSH", "q", "first") == b":1\r\n"
    assert clients[0].read_reply() == key_elem("q", "first")
    wait_blocked(ctl, 2)
    assert clients[1].try_read_reply(0.1) is None
    assert ctl.command("RPUSH", "q", "second", "third") == b":2\r\n"
    assert clients[1].read_reply() == key_elem("q", "second")
    assert clients[2].read_reply() == key_elem("q", "third")
    assert ctl.command("EXISTS", "q") == b":0\r\n"
    wait_blocked(ctl, 0)


def test_client_is_served_after_the_whole_push(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BLPOP", "l", "0")
    assert ctl.command("LPUSH", "l", "a", "b", "c") == b":3\r\n"
    assert conn.read_reply() == key_elem("l", "c")
    conn2 = new()
    block(conn2, ctl, 1, "BRPOP", "r", "0")
    ctl.command("RPUSH", "r", "a", "b", "c")
    assert conn2.read_reply() == key_elem("r", "c")


def test_first_listed_key_with_data_wins(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BLPOP", "k1", "k2", "k3", "0")
    ctl.command("RPUSH", "k3", "three")
    assert conn.read_reply() == key_elem("k3", "three")
    ctl.command("RPUSH", "k2", "two")
    ctl.command("RPUSH", "k1", "one")
    assert conn.command("BRPOP", "k1", "k2", "0") == key_elem("k1", "one")


def test_repeated_key_is_served_once(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BLPOP", "k", "k", "k", "0")
    ctl.command("RPUSH", "k", "a", "b")
    assert conn.read_reply() == key_elem("k", "a")
    assert conn.try_read_reply(0.1) is None
    assert ctl.command("LRANGE", "k", "0", "-1") == array(bulk("b"))
    wait_blocked(ctl, 0)


def test_blmpop_served_reply_shapes(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BLMPOP", "0", "2", "k1", "k2", "RIGHT")
    ctl.command("RPUSH", "k2", "a", "b", "c")
    assert conn.read_reply() == array(bulk("k2"), array(bulk("c")))
    ctl.command("DEL", "k2")
    block(conn, ctl, 1, "BLMPOP", "0", "2", "k1", "k2", "LEFT", "COUNT", "10")
    ctl.command("RPUSH", "k2", "a", "b", "c")
    assert conn.read_reply() == array(bulk("k2"), array(bulk("a"), bulk("b"), bulk("c")))
    assert ctl.command("EXISTS", "k2") == b":0\r\n"


def test_blmove_chain_passes_the_element_along(ctl, new):
    mover, forwarder, popper = new(), new(), new()
    block(mover, ctl, 1, "BLMOVE", "a1", "a2", "LEFT", "RIGHT", "0")
    block(forwarder, ctl, 2, "BRPOPLPUSH", "a2", "a3", "0")
    block(popper, ctl, 3, "BLPOP", "a3", "0")
    assert ctl.command("LPUSH", "a1", "x") == b":1\r\n"
    assert mover.read_reply() == bulk("x")
    assert forwarder.read_reply() == bulk("x")
    assert popper.read_reply() == key_elem("a3", "x")
    assert ctl.command("KEYS", "a*") == b"*0\r\n"


def test_blmove_onto_its_own_key_rotates_and_feeds_the_next_client(ctl, new):
    rotator, popper = new(), new()
    block(rotator, ctl, 1, "BLMOVE", "same", "same", "LEFT", "RIGHT", "0")
    block(popper, ctl, 2, "BLPOP", "same", "0")
    ctl.command("RPUSH", "same", "v")
    assert rotator.read_reply() == bulk("v")
    assert popper.read_reply() == key_elem("same", "v")
    assert ctl.command("EXISTS", "same") == b":0\r\n"


def test_blmove_to_a_wrong_type_destination_fails_when_served(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0")
    ctl.command("SET", "dst", "string")
    ctl.command("RPUSH", "src", "v")
    assert conn.read_reply() == WRONGTYPE
    assert ctl.command("LRANGE", "src", "0", "-1") == array(bulk("v"))
    wait_blocked(ctl, 0)


def test_key_of_another_type_keeps_the_client_blocked(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BLPOP", "k", "0")
    ctl.command("SET", "k", "string")
    assert conn.try_read_reply(0.2) is None
    assert blocked_clients(ctl) == 1
    ctl.command("DEL", "k")
    ctl.command("RPUSH", "k", "v")
    assert conn.read_reply() == key_elem("k", "v")


def test_lists_arriving_by_rename_move_copy_and_swapdb_wake_clients(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BLPOP", "k", "0")
    ctl.command("RPUSH", "src", "renamed")
    ctl.command("RENAME", "src", "k")
    assert conn.read_reply() == key_elem("k", "renamed")

    block(conn, ctl, 1, "BLPOP", "k", "0")
    ctl.command("RPUSH", "src", "copied")
    ctl.command("COPY", "src", "k")
    assert conn.read_reply() == key_elem("k", "copied")

    block(conn, ctl, 1, "BLPOP", "k", "0")
    ctl.command("SELECT", "1")
    ctl.command("RPUSH", "k", "moved")
    ctl.command("MOVE", "k", "0")
    assert conn.read_reply() == key_elem("k", "moved")

    block(conn, ctl, 1, "BLPOP", "k", "0")
    ctl.command("RPUSH", "k", "swapped")
    ctl.command("SWAPDB", "0", "1")
    assert conn.read_reply() == key_elem("k", "swapped")


def test_clients_block_per_database(ctl, new):
    conn = new()
    conn.command("SELECT", "3")
    block(conn, ctl, 1, "BLPOP", "k", "0")
    ctl.command("RPUSH", "k", "db0")
    assert conn.try_read_reply(0.1) is None
    ctl.command("SELECT", "3")
    ctl.command("RPUSH", "k", "db3")
    assert conn.read_reply() == key_elem("k", "db3")
    ctl.command("SELECT", "0")
    assert ctl.command("LRANGE", "k", "0", "-1") == array(bulk("db0"))


def test_pipelined_commands_run_after_the_client_is_served(ctl, new):
    conn = new()
    conn.send(harness.encode_command("BLPOP", "p", "0") + harness.encode_command("PING")
              + harness.encode_command("LLEN", "p"))
    wait_blocked(ctl, 1)
    assert conn.try_read_reply(0.1) is None
    ctl.command("RPUSH", "p", "1", "2")
    assert conn.read_replies(3) == [key_elem("p", "1"), b"+PONG\r\n", b":1\r\n"]


def test_many_clients_on_many_keys_each_get_exactly_one_element(ctl, new):
    clients = [new() for _ in range(40)]
    for i, conn in enumerate(clients):
        block(conn, ctl, i + 1, "BRPOP", f"k{i % 5}", f"k{(i + 1) % 5}", "0")
    pushed = []
    for i in range(40):
        key = f"k{i % 5}"
        ctl.command("LPUSH", key, str(i))
        pushed.append(str(i))
    got = []
    for conn in clients:
        reply = conn.read_reply()
        got.append(reply.split(b"\r\n")[-2].decode())
    assert sorted(got, key=int) == pushed
    wait_blocked(ctl, 0)
    assert ctl.command("KEYS", "k*") == b"*0\r\n"


def test_sorted_set_pops_block_and_wake(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BZPOPMIN", "z1", "z2", "0")
    ctl.command("ZADD", "z2", "5", "x", "3", "y")
    assert conn.read_reply() == array(bulk("z2"), bulk("y"), bulk("3"))
    block(conn, ctl, 1, "BZMPOP", "0", "1", "z3", "MAX", "COUNT", "5")
    ctl.command("ZADD", "z3", "1", "a", "2", "b")
    assert conn.read_reply() == array(bulk("z3"), array(array(bulk("b"), bulk("2")),
                                                        array(bulk("a"), bulk("1"))))
    assert conn.command("BZPOPMAX", "none", "0.05") == NIL_ARRAY


def test_list_and_sorted_set_waiters_on_one_key_wait_for_their_type(ctl, new):
    zwaiter, lwaiter = new(), new()
    block(zwaiter, ctl, 1, "BZPOPMAX", "mixed", "0")
    block(lwaiter, ctl, 2, "BLPOP", "mixed", "0")
    ctl.command("RPUSH", "mixed", "v")
    assert lwaiter.read_reply() == key_elem("mixed", "v")
    assert zwaiter.try_read_reply(0.1) is None
    ctl.command("ZADD", "mixed", "1", "m")
    assert zwaiter.read_reply() == array(bulk("mixed"), bulk("m"), bulk("1"))


# ---- timeouts --------------------------------------------------------------

@pytest.mark.parametrize("cmd", [
    ("BLPOP", "nokey", "0.2"),
    ("BRPOP", "nokey", "other", "0.2"),
    ("BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.2"),
    ("BRPOPLPUSH", "nokey", "dst", "0.2"),
    ("BLMPOP", "0.2", "1", "nokey", "LEFT"),
])
def test_timeout_replies_a_nil_array(ctl, new, cmd):
    conn = new()
    start = time.monotonic()
    assert conn.command(*cmd) == NIL_ARRAY
    elapsed = time.monotonic() - start
    assert 0.19 <= elapsed < 1.5
    assert blocked_clients(ctl) == 0
    assert ctl.command("EXISTS", "dst") == b":0\r\n"


def test_zero_timeout_blocks_until_served(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BLPOP", "k", "0")
    assert conn.try_read_reply(0.3) is None
    ctl.command("RPUSH", "k", "late")
    assert conn.read_reply() == key_elem("k", "late")


def test_blocked_client_survives_the_idle_timeout(server_factory, raw):
    srv = server_factory({"timeout": "1"})
    ctl, idle, waiting = raw(srv), raw(srv), raw(srv)
    idle.command("PING")
    block(waiting, ctl, 1, "BLPOP", "k", "0")
    assert idle.read_until_closed(timeout=5) == b""
    ctl = raw(srv)
    assert blocked_clients(ctl) == 1
    ctl.command("RPUSH", "k", "v")
    assert waiting.read_reply() == key_elem("k", "v")


def test_disconnected_blocked_client_is_cleaned_up(ctl, new):
    conn = new()
    block(conn, ctl, 1, "BLPOP", "gone", "0")
    conn.close()
    wait_blocked(ctl, 0)
    assert ctl.command("RPUSH", "gone", "v") == b":1\r\n"
    assert ctl.command("LLEN", "gone") == b":1\r\n"


def test_timed_out_command_counts_as_one_call(ctl, new):
    ctl.command("CONFIG", "RESETSTAT")
    new().command("BLPOP", "nokey", "0.05")
    stats = ctl.command("INFO", "commandstats").decode()
    assert "cmdstat_blpop:calls=1," in stats


# ---- MULTI and CLIENT UNBLOCK ------------------------------------------------

def test_blocking_commands_inside_multi_do_not_block(ctl):
    require_command(ctl, "multi")
    ctl.command("RPUSH", "full", "v")
    assert ctl.command("MULTI") == b"+OK\r\n"
    for cmd in [("BLPOP", "nokey", "0"), ("BLMOVE", "nokey", "d", "LEFT", "LEFT", "0"),
                ("BRPOPLPUSH", "nokey", "d", "0"), ("BLMPOP", "0", "1", "nokey", "LEFT"),
                ("BRPOP", "full", "0")]:
        assert ctl.command(*cmd) == b"+QUEUED\r\n"
    assert ctl.command("EXEC") == array(NIL_ARRAY, b"$-1\r\n", b"$-1\r\n", NIL_ARRAY,
                                        key_elem("full", "v"))


def test_pushes_inside_exec_are_served_after_exec(ctl, new):
    require_command(ctl, "multi")
    conn = new()
    block(conn, ctl, 1, "BLPOP", "k", "0")
    ctl.command("MULTI")
    ctl.command("RPUSH", "k", "a", "b")
    ctl.command("LPOP", "k")
    assert ctl.command("EXEC") == array(b":2\r\n", bulk("a"))
    assert conn.read_reply() == key_elem("k", "b")

    block(conn, ctl, 1, "BLPOP", "k", "0")
    ctl.command("MULTI")
    ctl.command("RPUSH", "k", "a")
    ctl.command("LPOP", "k")
    ctl.command("EXEC")
    assert conn.try_read_reply(0.2) is None
    assert blocked_clients(ctl) == 1


def client_id(conn):
    return int(conn.command("CLIENT", "ID")[1:-2])


def test_client_unblock(ctl, new):
    require_command(ctl, "client")
    conn = new()
    cid = client_id(conn)
    block(conn, ctl, 1, "BLPOP", "k", "0")
    assert ctl.command("CLIENT", "UNBLOCK", str(cid)) == b":1\r\n"
    assert conn.read_reply() == NIL_ARRAY
    block(conn, ctl, 1, "BLMOVE", "k", "d", "LEFT", "LEFT", "0")
    assert ctl.command("CLIENT", "UNBLOCK", str(cid), "ERROR") == b":1\r\n"
    assert conn.read_reply() == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    assert ctl.command("CLIENT", "UNBLOCK", str(cid)) == b":0\r\n"
    assert blocked_clients(ctl) == 0
