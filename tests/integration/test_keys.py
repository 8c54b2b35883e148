"""Keyspace commands through redis-py: listing, scanning, renaming, copying,
OBJECT, databases.  Exact error bytes are in diff_scripts/keys.txt."""

import pytest

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
