"""Keyspace commands through redis-py: listing, scanning, renaming, copying,
OBJECT, databases.  Exact error bytes are in diff_scripts/keys.txt."""

import re

import pytest
import redis

from harness import wait_until


def test_del_unlink_exists_type(r):
    r.mset({"a": 1, "b": 2, "c": 3})
    r.rpush("l", "x")
    assert r.exists("a", "a", "l", "zz") == 3
    assert r.delete("a", "zz") == 1
    assert r.unlink("b", "c", "l") == 3
    assert r.dbsize() == 0
    r.set("s", "v")
    assert r.type("s") == b"string" and r.type("zz") == b"none"


def test_keys_glob(r):
    r.mset({"hello": 1, "hallo": 2, "hxllo": 3, "hllo": 4, "heeello": 5, "other": 6})
    assert set(r.keys("h?llo")) == {b"hello", b"hallo", b"hxllo"}
    assert set(r.keys("h*llo")) == {b"hello", b"hallo", b"hxllo", b"hllo", b"heeello"}
    assert set(r.keys("h[ae]llo")) == {b"hello", b"hallo"}
    assert set(r.keys("h[^e]llo")) == {b"hallo", b"hxllo"}
    assert len(r.keys("*")) == 6


def scan_all(client, **kwargs):
    """Follow SCAN cursors to the end; returns every key reported (with repeats)."""
    cursor, seen = 0, []
    while True:
        cursor, keys = client.scan(cursor, **kwargs)
        seen += keys
        if cursor == 0:
            return seen


def test_scan_visits_every_key(r):
    r.mset({f"k:{i}": i for i in range(1000)})
    r.rpush("list:1", "x")
    seen = scan_all(r, count=10)
    assert set(seen) == {f"k:{i}".encode() for i in range(1000)} | {b"list:1"}
    assert set(scan_all(r, match="k:1??")) == {f"k:{i}".encode() for i in range(100, 200)}
    assert scan_all(r, _type="list") == [b"list:1"]


def test_randomkey(r):
    assert r.randomkey() is None
    r.mset({f"k{i}": i for i in range(20)})
    picks = {r.randomkey() for _ in range(200)}
    assert picks <= {f"k{i}".encode() for i in range(20)}
    assert len(picks) > 1


def test_rename_keeps_value_and_ttl(r):
    r.set("src", "v", ex=100)
    r.set("dst", "old")
    assert r.rename("src", "dst")
    assert r.get("dst") == b"v" and r.ttl("dst") == 100 and not r.exists("src")
    r.set("other", "o")
    assert r.renamenx("dst", "other") is False
    assert r.renamenx("dst", "new") is True
    with pytest.raises(Exception, match="no such key"):
        r.rename("absent", "x")


def test_copy_is_independent(r):
    r.set("a", "1", ex=100)
    assert r.copy("a", "b")
    r.append("b", "2")
    assert r.get("a") == b"1" and r.get("b") == b"12"
    assert r.ttl("b") == 100
    assert not r.copy("a", "b")
    assert r.copy("a", "b", replace=True) and r.get("b") == b"1"
    assert r.copy("a", "a", destination_db=3)
    r.execute_command("SELECT", 3)
    assert r.get("a") == b"1"
    r.execute_command("SELECT", 0)


def test_object_encoding_and_refcount(r):
    r.set("i", 123)
    r.set("e", "short")
    r.set("w", "x" * 100)
    assert r.object("encoding", "i") == b"int"
    assert r.object("encoding", "e") == b"embstr"
    assert r.object("encoding", "w") == b"raw"
    assert r.object("refcount", "w") == 1
    assert r.object("encoding", "absent") is None


def test_object_idletime_and_touch(r):
    r.set("idle", "v")
    wait_until(lambda: r.object("idletime", "idle") >= 1, 10, message="idle time to grow")
    assert r.touch("idle", "absent") == 1
    assert r.object("idletime", "idle") == 0


def test_object_freq_needs_lfu_policy(r):
    r.set("f", "v")
    with pytest.raises(Exception, match="LFU maxmemory policy is not selected"):
        r.object("freq", "f")
    r.config_set("maxmemory-policy", "allkeys-lfu")
    try:
        for _ in range(10):
            r.get("f")
        assert r.object("freq", "f") >= 1
    finally:
        r.config_set("maxmemory-policy", "noeviction")


def test_object_help_lists_subcommands(server, raw):
    reply = raw(server).command("OBJECT", "HELP")
    assert reply.startswith(b"*")
    for sub in (b"+ENCODING", b"+FREQ", b"+IDLETIME", b"+REFCOUNT"):
        assert sub in reply


def test_select_move_swapdb(server, r):
    other = server.client(db=5)
    r.set("k", "in0")
    assert r.move("k", 5)
    assert not r.exists("k") and other.get("k") == b"in0"
    r.set("k", "new0")
    assert not r.move("k", 5)
    assert r.swapdb(0, 5)
    assert r.get("k") == b"in0" and other.get("k") == b"new0"
    other.close()


def test_flushdb_flushall(server, r):
    other = server.client(db=1)
    r.mset({f"k{i}": i for i in range(5000)})
    other.set("x", 1)
    assert r.flushdb(asynchronous=True)
    assert r.dbsize() == 0 and other.dbsize() == 1
    r.set("y", 1)
    assert r.flushall()
    assert r.dbsize() == 0 and other.dbsize() == 0
    other.set("z", 1)
    assert r.execute_command("FLUSHALL", "SYNC")
    assert other.dbsize() == 0
    other.close()


def test_databases_config(server_factory, raw):
    srv = server_factory({"databases": 4})
    conn = raw(srv)
    assert conn.command("SELECT", "3") == b"+OK\r\n"
    assert conn.command("SELECT", "4") == b"-ERR DB index is out of range\r\n"
    assert conn.command("CONFIG", "GET", "databases") == \
        b"*2\r\n$9\r\ndatabases\r\n$1\r\n4\r\n"


def set_keys(client, names, pexpire=None):
    """SET each name to itself, pipelined, with a PEXPIRE when given."""
    pipe = client.pipeline(transaction=False)
    for name in names:
        pipe.set(name, name)
        if pexpire is not None:
            pipe.pexpire(name, pexpire)
    pipe.execute()


def test_scan_returns_every_key_present_throughout_while_the_table_grows(r):
    stable = [f"stable:{i}" for i in range(1000)]
    set_keys(r, stable)
    added, cursor, seen = 0, 0, set()
    # 10k inserts between SCAN calls make the table double several times
    # while the cursor is half-way: resizes must not hide the stable keys.
    while True:
        cursor, keys = r.scan(cursor, count=20)
        seen.update(keys)
        if added < 10_000:
            set_keys(r, [f"new:{added + i}" for i in range(500)])
            added += 500
        if cursor == 0:
            break
    assert added == 10_000
    assert {k.encode() for k in stable} <= seen
    assert seen <= {k.encode() for k in stable} | {f"new:{i}".encode() for i in range(added)}


def main_table_size(client):
    """Buckets of db 0's main key table, or None while it is rehashing
    (DEBUG HTSTATS; skips the test on a server without it)."""
    try:
        stats = client.execute_command("DEBUG", "HTSTATS", 0).decode()
    except redis.ResponseError as exc:
        pytest.skip(f"DEBUG HTSTATS unavailable: {exc}")
    keys_part = stats.split("[Expires HT]")[0]
    if "rehashing target" in keys_part:
        return None
    return int(re.search(r"table size: (\d+)", keys_part).group(1))


def test_scan_returns_every_key_present_throughout_while_the_table_shrinks(r):
    survivors = [f"keep:{i}" for i in range(200)]
    doomed = [f"drop:{i}" for i in range(10_000)]
    set_keys(r, survivors + doomed)
    big = wait_until(lambda: main_table_size(r), 10, message="the table to settle")
    cursor, seen = 0, set()
    for _ in range(5):
        cursor, keys = r.scan(cursor, count=50)
        seen.update(keys)
    assert cursor != 0
    # With 2% of the keys left the server shrinks the table (from cron):
    # the cursor must carry over to the smaller table without losing keys.
    for i in range(0, len(doomed), 1000):
        r.delete(*doomed[i:i + 1000])
    wait_until(lambda: (main_table_size(r) or big) < big, 10, message="the table to shrink")
    while cursor != 0:
        cursor, keys = r.scan(cursor, count=50)
        seen.update(keys)
    assert {k.encode() for k in survivors} <= seen


def test_scan_options_and_errors(r):
    set_keys(r, [f"user:{i}" for i in range(50)] + ["other"])
    r.sadd("aset", "m")
    assert sorted(scan_all(r, match="user:4*", count=1000)) == \
        sorted([b"user:4"] + [f"user:4{i}".encode() for i in range(10)])
    assert scan_all(r, _type="SET") == [b"aset"]
    assert scan_all(r, match="nomatch*") == []
    cursor, keys = r.scan(0, count=10_000)
    assert cursor == 0 and len(keys) == 52
    for bad, message in (([0, "COUNT", 0], "syntax error"), ([0, "COUNT", "x"], "not an integer"),
                         ([0, "MATCH"], "syntax error"), (["x"], "invalid cursor"),
                         ([0, "TYPE", "string", "EXTRA"], "syntax error")):
        with pytest.raises(redis.ResponseError, match=message):
            r.execute_command("SCAN", *bad)


def test_keys_and_scan_skip_expired_keys(r):
    set_keys(r, [f"short:{i}" for i in range(100)], pexpire=30)
    r.set("long", "v")
    wait_until(lambda: r.pttl("short:0") == -2, 10, message="short keys to expire")
    assert r.keys("*") == [b"long"]
    assert scan_all(r, count=5) == [b"long"]


def test_move_and_copy_carry_the_ttl_across_databases(server, r):
    other = server.client(db=7)
    r.set("m", "v")
    r.pexpire("m", 100_000)
    assert r.move("m", 7)
    assert 0 < other.pttl("m") <= 100_000 and r.exists("m") == 0
    assert r.copy("m", "m2") is False  # m is not in db 0 any more
    assert other.copy("m", "c", destination_db=0)
    assert 0 < r.pttl("c") <= 100_000 and other.exists("m") == 1
    r.set("plain", "p")
    other.set("c", "x")
    other.expire("c", 50)
    assert r.copy("plain", "c", destination_db=7, replace=True)
    assert other.get("c") == b"p" and other.ttl("c") == -1
    other.close()


def test_copy_deep_copies_collections(r):
    r.sadd("s", "a", "b")
    assert r.copy("s", "s2")
    r.sadd("s2", "c")
    assert r.smembers("s") == {b"a", b"b"} and r.smembers("s2") == {b"a", b"b", b"c"}


def test_swapdb_swaps_data_and_ttls(server, r):
    other = server.client(db=9)
    r.set("a", "in0")
    r.expire("a", 500)
    other.set("b", "in9")
    assert r.swapdb(0, 9)
    assert r.exists("a") == 0 and r.get("b") == b"in9" and r.ttl("b") == -1
    assert other.get("a") == b"in0" and 0 < other.ttl("a") <= 500
    assert r.swapdb(9, 0) and r.get("a") == b"in0"
    other.close()


def test_rename_over_a_key_with_ttl_takes_the_source_ttl(r):
    r.set("src", "v")
    r.set("dst", "old")
    r.expire("dst", 100)
    assert r.rename("src", "dst")
    assert r.get("dst") == b"v" and r.ttl("dst") == -1
    assert r.rename("dst", "dst") and r.get("dst") == b"v"
    assert r.renamenx("dst", "dst") is False


def test_object_on_shared_and_private_values(r):
    r.set("small", 5)
    r.set("big", 123456)
    assert r.object("refcount", "small") == 2147483647
    assert r.object("refcount", "big") == 1
    assert r.object("encoding", "big") == b"int"
    with pytest.raises(redis.ResponseError, match=r"wrong number of arguments for 'object\|help'"):
        r.execute_command("OBJECT", "HELP", "x")
    with pytest.raises(redis.ResponseError, match="unknown subcommand 'nosuch'"):
        r.execute_command("OBJECT", "nosuch", "small")
    assert r.object("idletime", "absent") is None


def test_object_idletime_under_lfu_is_an_error(r):
    r.set("k", "v")
    r.config_set("maxmemory-policy", "volatile-lfu")
    try:
        with pytest.raises(redis.ResponseError, match="LFU maxmemory policy is selected"):
            r.object("idletime", "k")
        assert r.object("freq", "k") >= 0
    finally:
        r.config_set("maxmemory-policy", "noeviction")


def test_generic_commands_notify_keyspace_events(server, r):
    r.config_set("notify-keyspace-events", "Eg")
    sub = server.client().pubsub()
    sub.psubscribe("__keyevent@*__:*")
    wait_until(lambda: sub.get_message(timeout=0.1), 10, message="psubscribe confirmation")
    try:
        r.set("a", "v")
        r.rename("a", "b")
        r.expire("b", 100)
        r.persist("b")
        r.copy("b", "c")
        r.move("c", 3)
        r.delete("b")
        expected = [("rename_from", b"a"), ("rename_to", b"b"), ("expire", b"b"),
                    ("persist", b"b"), ("copy_to", b"c"), ("move_from", b"c"),
                    ("move_to", b"c"), ("del", b"b")]
        got = []

        def collect():
            message = sub.get_message(timeout=0.1)
            if message and message["type"] == "pmessage":
                got.append((message["channel"].decode().split(":", 1)[1], message["data"]))
            return len(got) >= len(expected)
        wait_until(collect, 10, message="keyspace events")
        assert got == expected
    finally:
        sub.close()
        r.config_set("notify-keyspace-events", "")


def _lazyfree_counts(r):
    info = r.info("memory")
    return info["lazyfree_pending_objects"], info["lazyfreed_objects"]


def _big_set(r, key, members=2000):
    pipe = r.pipeline(transaction=False)
    for start in range(0, members, 500):
        pipe.sadd(key, *[f"m{i}" for i in range(start, start + 500)])
    pipe.execute()


def test_unlink_frees_big_values_in_the_background(r):
    """UNLINK hands a big value to the background thread; small values and
    DEL are freed inline (lazyfree-lazy-user-del no), as Redis does."""
    _big_set(r, "big")
    r.set("small", "x")
    _, freed_before = _lazyfree_counts(r)
    assert r.delete("small") == 1
    assert r.unlink("big") == 1
    assert r.exists("big") == 0
    wait_until(lambda: _lazyfree_counts(r) == (0, freed_before + 1), 10,
               message="the big set to be freed in the background")


def test_flushall_async_frees_in_the_background(r):
    _big_set(r, "s1")
    for i in range(100):
        r.set(f"k{i}", i)
    _, freed_before = _lazyfree_counts(r)
    assert r.flushall(asynchronous=True)
    assert r.dbsize() == 0
    wait_until(lambda: _lazyfree_counts(r)[0] == 0 and _lazyfree_counts(r)[1] > freed_before, 10,
               message="the flushed keyspace to be freed in the background")
