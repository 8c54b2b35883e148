"""String commands through redis-py: values, options and their interplay with
expiry and concurrency.  Exact error bytes for every error case live in
diff_scripts/strings.txt; here the checks need state, time or many clients."""

import threading

import pytest
import redis

from harness import wait_until

WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


@pytest.fixture
def rc(r, server, raw):
    """A raw connection on the shared server, for exact reply bytes."""
    return raw(server)


def test_values_are_binary_safe(r):
    value = bytes(range(256)) * 4
    assert r.set(b"bin\x00key", value)
    assert r.get(b"bin\x00key") == value
    assert r.strlen(b"bin\x00key") == 1024


def test_set_expiry_options_set_a_ttl(r):
    r.set("ex", "v", ex=100)
    assert 99_000 < r.pttl("ex") <= 100_000
    r.set("px", "v", px=5000)
    assert 4_000 < r.pttl("px") <= 5_000
    r.set("exat", "v", exat=32503680000)
    assert r.expiretime("exat") == 32503680000
    r.set("pxat", "v", pxat=32503680000123)
    assert r.execute_command("PEXPIRETIME", "pxat") == 32503680000123


def test_set_px_key_expires(r):
    r.set("short", "v", px=50)
    assert r.get("short") == b"v"
    wait_until(lambda: r.get("short") is None, 5, message="short key to expire")
    assert r.exists("short") == 0


def test_set_keepttl_and_plain_set(r):
    r.set("k", "v1", ex=100)
    r.set("k", "v2", keepttl=True)
    assert r.get("k") == b"v2" and r.ttl("k") > 90
    r.set("k", "v3")
    assert r.ttl("k") == -1


def test_set_nx_xx_get(r, rc):
    assert r.set("k", "a", nx=True)
    assert r.set("k", "b", nx=True) is None
    assert r.set("missing", "b", xx=True) is None
    assert r.exists("missing") == 0
    assert r.set("k", "c", xx=True)
    assert r.set("k", "d", get=True) == b"c"
    assert r.set("fresh", "x", get=True) is None
    assert r.get("fresh") == b"x"
    r.rpush("list", "a")
    assert rc.command("SET", "list", "v", "GET") == WRONGTYPE
    assert r.type("list") == b"list"
    assert rc.command("SET", "k", "v", "NX", "XX") == b"-ERR syntax error\r\n"
    assert rc.command("SET", "k", "v", "EX", "0") == \
        b"-ERR invalid expire time in 'set' command\r\n"


def test_setnx_setex_psetex(r):
    assert r.setnx("n", "1") is True
    assert r.setnx("n", "2") is False
    assert r.get("n") == b"1"
    assert r.setex("e", 100, "v") and r.ttl("e") == 100
    assert r.psetex("p", 100_000, "v") and 99_000 < r.pttl("p") <= 100_000


def test_mset_mget_many_keys(r):
    mapping = {f"key:{i}": f"val:{i}" for i in range(1000)}
    assert r.mset(mapping)
    keys = list(mapping) + ["absent"]
    values = r.mget(keys)
    assert values[:-1] == [v.encode() for v in mapping.values()]
    assert values[-1] is None


def test_msetnx_is_all_or_nothing(r):
    assert r.msetnx({"a": 1, "b": 2}) is True
    assert r.msetnx({"b": 9, "c": 3}) is False
    assert r.mget("a", "b", "c") == [b"1", b"2", None]


def test_getset_getdel_getex(r):
    r.set("k", "old", ex=100)
    assert r.getset("k", "new") == b"old"
    assert r.ttl("k") == -1
    assert r.getdel("k") == b"new"
    assert r.getdel("k") is None
    r.set("g", "v")
    assert r.getex("g", ex=50) == b"v" and r.ttl("g") == 50
    assert r.getex("g", persist=True) == b"v" and r.ttl("g") == -1
    assert r.getex("g", px=20_000) == b"v" and 19_000 < r.pttl("g") <= 20_000
    assert r.getex("nothing", ex=5) is None


def test_append_and_strlen(r):
    assert r.append("s", "abc") == 3
    assert r.append("s", "x" * 1000) == 1003
    assert r.strlen("s") == 1003
    assert r.strlen("absent") == 0
    r.set("n", 12)
    assert r.append("n", 3) == 3 and r.get("n") == b"123"
    assert r.incr("n") == 124


def test_incr_family(r, rc):
    assert r.incr("c") == 1
    assert r.incrby("c", 41) == 42
    assert r.decr("c") == 41
    assert r.decrby("c", 50) == -9
    r.set("c", 2**63 - 1)
    assert rc.command("INCR", "c") == b"-ERR increment or decrement would overflow\r\n"
    r.set("c", "1.5")
    assert rc.command("INCR", "c") == b"-ERR value is not an integer or out of range\r\n"


def test_incr_is_atomic_across_clients(server, r):
    def worker():
        client = server.client()
        for _ in range(200):
            client.incr("shared")
        client.close()
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert r.get("shared") == b"1600"


def test_incrbyfloat(r, rc):
    assert r.incrbyfloat("f", 10.5) == 10.5
    assert rc.command("INCRBYFLOAT", "f", "0.1") == b"$4\r\n10.6\r\n"
    assert rc.command("INCRBYFLOAT", "f", "-0.6") == b"$2\r\n10\r\n"
    r.set("f", "5.0e3")
    assert rc.command("INCRBYFLOAT", "f", "2.0e2") == b"$4\r\n5200\r\n"
    assert rc.command("INCRBYFLOAT", "f", "inf") == \
        b"-ERR increment would produce NaN or Infinity\r\n"


def test_getrange_setrange(r):
    r.set("s", "Hello World")
    assert r.getrange("s", 0, 4) == b"Hello"
    assert r.getrange("s", -5, -1) == b"World"
    assert r.execute_command("SUBSTR", "s", 6, 100) == b"World"
    assert r.setrange("s", 6, "Redis") == 11
    assert r.get("s") == b"Hello Redis"
    assert r.setrange("pad", 4, "x") == 5
    assert r.get("pad") == b"\x00\x00\x00\x00x"


def test_lcs(r):
    r.mset({"a": "ohmytext", "b": "mynewtext"})
    assert r.execute_command("LCS", "a", "b") == b"mytext"
    assert r.execute_command("LCS", "a", "b", "LEN") == 6
    reply = r.execute_command("LCS", "a", "b", "IDX", "MINMATCHLEN", 4, "WITHMATCHLEN")
    assert reply == [b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]


def test_incr_never_mutates_shared_integers(r):
    r.set("a", 100)
    r.set("b", 100)
    assert r.incr("a") == 101
    assert r.get("b") == b"100"
    r.set("big", 123456)
    assert r.incrby("big", 10) == 123466
    assert r.decrby("big", 113466) == 10000
    assert r.decr("big") == 9999
    assert r.get("big") == b"9999"


def test_getex_past_absolute_time_deletes_at_once(r):
    r.set("k", "v")
    r.set("other", "x")
    assert r.dbsize() == 2
    assert r.getex("k", exat=1) == b"v"
    assert r.dbsize() == 1


def test_setrange_large_offset_pads_with_zeros(r):
    offset = 10_000_000
    assert r.setrange("big", offset, "xy") == offset + 2
    assert r.strlen("big") == offset + 2
    assert r.getrange("big", offset - 2, -1) == b"\x00\x00xy"
    assert r.getrange("big", 0, 3) == b"\x00" * 4
    assert r.append("big", "z") == offset + 3
    assert r.getrange("big", -3, -1) == b"xyz"


def test_lcs_long_strings(r):
    a = "".join("acgt"[(i * 7) % 4] for i in range(2000))
    b = "".join("acgt"[(i * 5 + 1) % 4] for i in range(1500))
    r.mset({"a": a, "b": b})
    lcs = r.execute_command("LCS", "a", "b")
    assert r.execute_command("LCS", "a", "b", "LEN") == len(lcs)
    reply = r.execute_command("LCS", "a", "b", "IDX", "MINMATCHLEN", 3, "WITHMATCHLEN")
    assert reply[0] == b"matches" and reply[2] == b"len" and reply[3] == len(lcs)
    for (a_start, a_end), (b_start, b_end), n in reply[1]:
        assert n >= 3 and a_end - a_start + 1 == n
        assert a[a_start:a_end + 1] == b[b_start:b_end + 1]


def test_lcs_table_is_bounded_by_proto_max_bulk_len(server_factory):
    # 511-byte strings need 512 * 512 cells of 4 bytes: exactly 1mb.
    client = server_factory(config={"proto-max-bulk-len": "1mb"}).client()
    client.setrange("a", 510, "x")
    client.setrange("b", 510, "y")
    assert client.execute_command("LCS", "a", "b", "LEN") == 510
    client.append("a", "x")
    with pytest.raises(redis.ResponseError,
                       match="^Insufficient memory, transient memory for LCS exceeds "
                             r"proto-max-bulk-len$"):
        client.execute_command("LCS", "a", "b")
    client.close()


def test_string_size_limit(server_factory):
    client = server_factory(config={"proto-max-bulk-len": "1mb"}).client()
    limit = "string exceeds maximum allowed size \\(proto-max-bulk-len\\)"
    assert client.setrange("s", 1024 * 1024 - 1, "x") == 1024 * 1024
    with pytest.raises(redis.ResponseError, match=limit):
        client.append("s", "y")
    with pytest.raises(redis.ResponseError, match=limit):
        client.setrange("s", 1024 * 1024, "y")
    with pytest.raises(redis.ResponseError, match=limit):
        client.setrange("fresh", 1024 * 1024, "y")
    assert client.exists("fresh") == 0
    assert client.strlen("s") == 1024 * 1024
    client.close()


# (command, events on __keyevent@0__ as (event, key)), from redis-server 7.0.15.
EVENT_CASES = [
    (["SET", "k", "v"], [("set", "k")]),
    (["SET", "k", "v", "EX", "100"], [("set", "k"), ("expire", "k")]),
    (["SET", "k", "v", "NX"], []),
    (["SETNX", "n", "v"], [("set", "n")]),
    (["SETEX", "k", "100", "v"], [("set", "k"), ("expire", "k")]),
    (["PSETEX", "k", "100000", "v"], [("set", "k"), ("expire", "k")]),
    (["GETSET", "k", "w"], [("set", "k")]),
    (["MSET", "a", "1", "b", "2"], [("set", "a"), ("set", "b")]),
    (["MSETNX", "c", "1", "d", "2"], [("set", "c"), ("set", "d")]),
    (["MSETNX", "c", "1", "e", "2"], []),
    (["APPEND", "k", "x"], [("append", "k")]),
    (["SETRANGE", "k", "1", "y"], [("setrange", "k")]),
    (["SETRANGE", "k", "1", ""], []),
    (["INCR", "i"], [("incrby", "i")]),
    (["DECRBY", "i", "5"], [("incrby", "i")]),
    (["INCRBYFLOAT", "i", "1.5"], [("incrbyfloat", "i")]),
    (["GETEX", "k", "EX", "100"], [("expire", "k")]),
    (["GETEX", "k", "PERSIST"], [("persist", "k")]),
    (["GETEX", "k", "PERSIST"], []),
    (["GETEX", "k"], []),
    (["GETEX", "i", "PXAT", "1"], [("del", "i")]),
    (["GETDEL", "k"], [("del", "k")]),
    (["GETDEL", "k"], []),
]


def test_keyspace_events_of_writes(server_factory):
    srv = server_factory(config={"notify-keyspace-events": "KEA"})
    client = srv.client()
    pubsub = client.pubsub()
    pubsub.psubscribe("__keyevent@0__:*")
    wait_until(lambda: pubsub.get_message(timeout=0.1) is not None, 5,
               message="psubscribe confirmation")
    marker = 0
    for argv, expected in EVENT_CASES:
        client.execute_command(*argv)
        # A PUBLISH after each command fences its events: everything before
        # the marker belongs to this command.
        marker += 1
        client.publish("__keyevent@0__:marker", str(marker))
        seen = []
        def until_marker():
            msg = pubsub.get_message(timeout=0.1)
            if msg is None:
                return False
            event = msg["channel"].decode().split(":", 1)[1]
            if event == "marker":
                return True
            seen.append((event, msg["data"].decode()))
            return False
        wait_until(until_marker, 5, message=f"events of {argv}")
        assert seen == expected, argv
    pubsub.close()
    client.close()


# (command, whether it invalidates a WATCH on key "k" holding "v").
WATCH_CASES = [
    (["SET", "k", "w"], True),
    (["SET", "k", "w", "NX"], False),
    (["SET", "k", "w", "XX"], True),
    (["SETNX", "k", "w"], False),
    (["APPEND", "k", "w"], True),
    (["SETRANGE", "k", "0", "w"], True),
    (["SETRANGE", "k", "0", ""], False),
    (["GETEX", "k"], False),
    (["GETEX", "k", "EX", "100"], True),
    (["GETDEL", "k"], True),
    (["GETSET", "k", "w"], True),
    (["MSET", "x", "1", "k", "2"], True),
    (["MSETNX", "x", "1", "k", "2"], False),
    (["STRLEN", "k"], False),
    (["LCS", "k", "k"], False),
]


@pytest.mark.parametrize("argv,invalidates", WATCH_CASES, ids=lambda v: str(v))
def test_writes_invalidate_watch(r, server, argv, invalidates):
    r.set("k", "v")
    r.set("x", "1")
    other = server.client()
    with r.pipeline() as pipe:
        pipe.watch("k")
        other.execute_command(*argv)
        pipe.multi()
        pipe.get("x")
        if invalidates:
            with pytest.raises(redis.WatchError):
                pipe.execute()
        else:
            assert pipe.execute() == [b"1"]
    other.close()


def test_incr_counts_as_write_for_watch(r, server):
    r.set("n", 5)
    other = server.client()
    with r.pipeline() as pipe:
        pipe.watch("n")
        assert other.incr("n") == 6
        pipe.multi()
        pipe.get("n")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    other.close()


# (command, changes counted in rdb_changes_since_last_save), from redis-server 7.0.15.
DIRTY_CASES = [
    (["SET", "k", "v"], 1),
    (["SET", "k", "v", "NX"], 0),
    (["SET", "k", "v", "EX", "100"], 1),
    (["MSET", "a", "1", "b", "2", "c", "3"], 3),
    (["MSETNX", "a", "1", "z", "2"], 0),
    (["INCR", "n"], 1),
    (["INCRBYFLOAT", "n", "0.5"], 1),
    (["APPEND", "k", "x"], 1),
    (["SETRANGE", "k", "0", ""], 0),
    (["SETRANGE", "k", "0", "y"], 1),
    (["GETEX", "k", "PX", "100000"], 1),
    (["GETEX", "k", "PERSIST"], 1),
    (["GETEX", "k", "PERSIST"], 0),
    (["GETDEL", "k"], 1),
    (["GETDEL", "k"], 0),
    (["GET", "a"], 0),
]


def test_dirty_counter(r):
    def changes():
        return r.info("persistence")["rdb_changes_since_last_save"]
    for argv, expected in DIRTY_CASES:
        before = changes()
        r.execute_command(*argv)
        assert changes() - before == expected, argv
