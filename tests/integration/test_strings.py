"""String commands through redis-py: values, options and their interplay with
expiry and concurrency.  Exact error bytes for every error case live in
diff_scripts/strings.txt; here the checks need state, time or many clients."""

import threading

import pytest

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
