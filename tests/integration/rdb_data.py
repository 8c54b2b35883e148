"""Data sets and comparisons shared by the RDB and DUMP/RESTORE tests.

populate() writes keys of every type the server under test implements, in
every encoding Redis 7.0 uses for them (small/large, integer/string, long
elements, TTLs, several databases).  snapshot() reads a whole keyspace back
as plain Python values so two servers (or one server before and after a
restart) can be compared key by key, TTLs included.
"""

import os
import random

import redis

TTL_TOLERANCE_MS = 5000


def supports(client, *commands):
    """True when the server knows every one of the commands."""
    for name in commands:
        try:
            client.execute_command(name)
        except redis.ResponseError as err:
            if "unknown command" in str(err):
                return False
    return True


def families(client):
    """The value types this server can create and read back."""
    found = {"string", "hash"}
    if supports(client, "zadd", "zrange"):
        found.add("zset")
    if supports(client, "rpush", "lrange"):
        found.add("list")
    if supports(client, "sadd", "smembers"):
        found.add("set")
    return found


def _strings(c, rnd):
    c.set("s:small", "hello")
    c.set("s:empty", "")
    for i, v in enumerate([0, 7, -5, 300, -30000, 70000, 2**31 - 1, -2**31, 2**40, -2**63]):
        c.set(f"s:int:{i}", v)
    c.set("s:padded-int", "007")
    c.set("s:compressible", "abc" * 400)
    c.set("s:random", bytes(rnd.getrandbits(8) for _ in range(3000)))
    c.set("s:binary", b"\x00\xff\r\n\x00")
    c.set("s:ttl", "v", px=600000)


def _hashes(c):
    c.hset("h:small", mapping={"a": "1", "b": "two", "n": -12345678901})
    c.hset("h:big", mapping={f"field:{i}": f"value:{i}" for i in range(700)})
    c.hset("h:longval", mapping={"f": "x" * 200, "g": "y"})
    c.hset("h:ttl", "f", "v")
    c.pexpire("h:ttl", 900000)


def _zsets(c):
    c.zadd("z:small", {"a": 1, "b": 2.5, "c": -3, "d": 1e300})
    c.zadd("z:inf", {"lo": float("-inf"), "hi": float("inf"), "mid": 0})
    c.zadd("z:big", {f"member:{i}": i * 0.5 for i in range(400)})
    c.zadd("z:longmember", {"m" * 100: 1, "n": 2})


def _lists(c):
    c.rpush("l:small", "a", "b", 1, 2, -3)
    c.rpush("l:big", *[f"item-{i}" for i in range(5000)])
    c.rpush("l:ints", *range(1000))
    c.rpush("l:long", "z" * 20000, "short")
    c.pexpire("l:small", 700000)


def _sets(c):
    c.sadd("set:ints", 1, 2, 3, -100, 2**40)
    c.sadd("set:bigints", *range(1000))
    c.sadd("set:strs", "a", "b", "c", "d" * 100)


def populate(c, types, seed=1):
    """Fills db 0 (and a little of db 3) with every type in types."""
    rnd = random.Random(seed)
    writers = {"string": lambda: _strings(c, rnd), "hash": lambda: _hashes(c),
               "zset": lambda: _zsets(c), "list": lambda: _lists(c), "set": lambda: _sets(c)}
    for t in sorted(types):
        writers[t]()
    c.execute_command("SELECT", 3)
    c.set("db3:key", "in db 3")
    c.hset("db3:hash", "f", "v")
    c.execute_command("SELECT", 0)


def read_value(c, key):
    t = c.type(key).decode()
    if t == "string":
        return t, c.get(key)
    if t == "hash":
        return t, c.hgetall(key)
    if t == "zset":
        return t, c.zrange(key, 0, -1, withscores=True)
    if t == "list":
        return t, c.lrange(key, 0, -1)
    if t == "set":
        return t, sorted(c.smembers(key))
    raise AssertionError(f"unexpected type {t} for {key!r}")


def snapshot(c, dbs=(0, 3)):
    """{db: {key: (type, value, pttl)}} for the given databases."""
    out = {}
    for db in dbs:
        c.execute_command("SELECT", db)
        keys = {}
        for key in c.keys("*"):
            t, v = read_value(c, key)
            keys[key] = (t, v, c.pttl(key))
        out[db] = keys
    c.execute_command("SELECT", 0)
    return out


def assert_same(expected, actual):
    """Same keys, types and values; TTLs within TTL_TOLERANCE_MS."""
    assert expected.keys() == actual.keys()
    for db in expected:
        assert sorted(expected[db]) == sorted(actual[db]), f"db {db} key sets differ"
        for key, (t, v, ttl) in expected[db].items():
            t2, v2, ttl2 = actual[db][key]
            assert (t, v) == (t2, v2), f"db {db} key {key!r} differs"
            if ttl < 0:
                assert ttl2 == ttl, f"db {db} key {key!r}: ttl {ttl} vs {ttl2}"
            else:
                assert abs(ttl - ttl2) < TTL_TOLERANCE_MS, f"{key!r}: ttl {ttl} vs {ttl2}"


def dump_path(directory):
    return os.path.join(str(directory), "dump.rdb")
