"""Hash commands through redis-py: encodings and their conversion thresholds,
emptied hashes, HRANDFIELD's reply shapes and distribution rules, HSCAN's
iteration guarantee on big hashes.  Exact error bytes and replies for every
command and option live in diff_scripts/hash.txt; here the checks need many
elements, statistics or a server with its own configuration."""

import collections

import pytest
import redis

WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


def encoding(r, key):
    return r.object("encoding", key)


def fill(r, key, n, prefix="f"):
    mapping = {f"{prefix}{i}": f"v{i}" for i in range(n)}
    r.hset(key, mapping=mapping)
    return mapping


def as_str_dict(raw):
    return {k.decode(): v.decode() for k, v in raw.items()}


# ---- basics ----------------------------------------------------------------

def test_hset_counts_new_fields_and_overwrites(r):
    assert r.hset("h", mapping={"a": "1", "b": "2"}) == 2
    assert r.hset("h", mapping={"a": "10", "c": "3"}) == 1
    assert r.hgetall("h") == {b"a": b"10", b"b": b"2", b"c": b"3"}
    assert r.execute_command("HMSET", "h", "d", "4") is True
    assert r.hlen("h") == 4


def test_values_are_binary_safe(r):
    field = b"f\x00\xff\r\n"
    value = bytes(range(256))
    r.hset("h", field, value)
    assert r.hget("h", field) == value
    assert r.hstrlen("h", field) == 256
    assert r.hexists("h", field)
    assert not r.hexists("h", b"f")


def test_integer_looking_values_read_back_verbatim(r):
    values = ["0", "-1", "007", "+5", "-0", "1e3", "9223372036854775807",
              "9223372036854775808", "-9223372036854775808", " 1"]
    r.hset("h", mapping={str(i): v for i, v in enumerate(values)})
    assert r.hmget("h", [str(i) for i in range(len(values))]) == [v.encode() for v in values]
    assert encoding(r, "h") == b"listpack"


def test_emptied_hash_is_deleted(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    assert r.hdel("h", "a", "missing") == 1
    assert r.exists("h") == 1
    assert r.hdel("h", "b", "b") == 1
    assert r.exists("h") == 0
    assert r.hgetall("h") == {}
    assert r.hdel("h", "b") == 0


def test_emptied_hashtable_is_deleted(server_factory):
    srv = server_factory({"hash-max-listpack-entries": "2"})
    r = srv.client()
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert encoding(r, "h") == b"hashtable"
    assert r.hdel("h", "a", "b", "c", "d") == 3
    assert r.exists("h") == 0


def test_missing_keys(r):
    assert r.hget("nokey", "f") is None
    assert r.hmget("nokey", "a", "b") == [None, None]
    assert r.hgetall("nokey") == {}
    assert r.hkeys("nokey") == [] and r.hvals("nokey") == []
    assert r.hlen("nokey") == 0 and r.hstrlen("nokey", "f") == 0
    assert not r.hexists("nokey", "f")
    assert r.hrandfield("nokey") is None
    assert r.hrandfield("nokey", 3) == []
    assert r.hscan("nokey") == (0, {})
    assert r.exists("nokey") == 0


def test_failed_increments_do_not_create_the_key(r):
    with pytest.raises(redis.ResponseError, match="not an integer"):
        r.hincrby("nokey", "f", "x")
    with pytest.raises(redis.ResponseError, match="not a valid float"):
        r.hincrbyfloat("nokey", "f", "x")
    with pytest.raises(redis.ResponseError, match="NaN or Infinity"):
        r.hincrbyfloat("nokey", "f", "inf")
    assert r.exists("nokey") == 0


def test_hincrby_and_float(r):
    assert r.hincrby("h", "n", 5) == 5
    assert r.hincrby("h", "n", -10) == -5
    assert r.hincrbyfloat("h", "n", "0.5") == -4.5
    assert r.hget("h", "n") == b"-4.5"
    with pytest.raises(redis.ResponseError, match="hash value is not an integer"):
        r.hincrby("h", "n", 1)
    assert r.hincrbyfloat("h", "x", "10.5") == 10.5
    assert r.hincrbyfloat("h", "x", "-0.5") == 10.0
    assert r.hget("h", "x") == b"10"
    r.hset("h", "big", 2**63 - 1)
    with pytest.raises(redis.ResponseError, match="increment or decrement would overflow"):
        r.hincrby("h", "big", 1)
    assert r.hget("h", "big") == str(2**63 - 1).encode()
    r.hset("h", "s", "abc")
    with pytest.raises(redis.ResponseError, match="hash value is not a float"):
        r.hincrbyfloat("h", "s", 1)


def test_wrongtype_on_every_command(r, server, raw):
    r.set("str", "v")
    conn = raw(server)
    for cmd in (["HSET", "str", "a", "1"], ["HMSET", "str", "a", "1"],
                ["HSETNX", "str", "a", "1"], ["HGET", "str", "a"], ["HMGET", "str", "a"],
                ["HGETALL", "str"], ["HKEYS", "str"], ["HVALS", "str"], ["HLEN", "str"],
                ["HEXISTS", "str", "a"], ["HSTRLEN", "str", "a"], ["HDEL", "str", "a"],
                ["HINCRBY", "str", "a", "1"], ["HINCRBYFLOAT", "str", "a", "1"],
                ["HRANDFIELD", "str"], ["HRANDFIELD", "str", "-3", "WITHVALUES"],
                ["HSCAN", "str", "0"]):
        assert conn.command(*cmd) == WRONGTYPE, cmd
    assert r.get("str") == b"v"


# ---- encodings -------------------------------------------------------------

def test_default_thresholds(r):
    fill(r, "h", 512)
    assert encoding(r, "h") == b"listpack"
    r.hset("h", "f0", "updated")
    assert encoding(r, "h") == b"listpack"
    r.hset("h", "one-more", "v")
    assert encoding(r, "h") == b"hashtable"
    assert r.hlen("h") == 513

    r.hset("v", "f", "x" * 64)
    assert encoding(r, "v") == b"listpack"
    r.hset("v", "f", "x" * 65)
    assert encoding(r, "v") == b"hashtable"
    assert r.hget("v", "f") == b"x" * 65


@pytest.mark.parametrize("command", [
    ["HSET", "k", "F", "1"], ["HMSET", "k", "F", "1"], ["HSETNX", "k", "F", "1"],
    ["HINCRBY", "k", "F", "1"], ["HINCRBYFLOAT", "k", "F", "1.5"],
])
def test_long_field_converts_with_every_writer(r, command):
    long_field = "y" * 65
    r.hset("k", "small", "1")
    r.execute_command(*[long_field if a == "F" else a for a in command])
    assert encoding(r, "k") == b"hashtable"
    assert r.hexists("k", long_field) and r.hget("k", "small") == b"1"


def test_conversion_is_one_way(r):
    r.hset("h", mapping={"keep": "1", "f": "x" * 100})
    r.hset("h", "f", "short")
    r.hdel("h", "f")
    r.hset("h", "g", "1")
    assert encoding(r, "h") == b"hashtable"


def test_configured_thresholds_are_honoured(server_factory):
    srv = server_factory({"hash-max-listpack-entries": "4", "hash-max-listpack-value": "8"})
    r = srv.client()
    fill(r, "h", 4)
    assert encoding(r, "h") == b"listpack"
    r.hset("h", "f4", "v")
    assert encoding(r, "h") == b"hashtable"
    r.hset("v", "f", "12345678")
    assert encoding(r, "v") == b"listpack"
    r.hset("v", "f", "123456789")
    assert encoding(r, "v") == b"hashtable"
    # A zero limit makes every hash a hashtable.
    r.config_set("hash-max-listpack-entries", 0)
    r.hset("z", "a", "1")
    assert encoding(r, "z") == b"hashtable"


def test_both_encodings_answer_alike(server_factory):
    srv = server_factory({"hash-max-listpack-entries": "8"})
    r = srv.client()
    small = fill(r, "small", 8)
    big = fill(r, "big", 9)
    assert encoding(r, "small") == b"listpack" and encoding(r, "big") == b"hashtable"
    for key, expected in (("small", small), ("big", big)):
        assert as_str_dict(r.hgetall(key)) == expected
        assert sorted(k.decode() for k in r.hkeys(key)) == sorted(expected)
        assert sorted(v.decode() for v in r.hvals(key)) == sorted(expected.values())
        assert r.hlen(key) == len(expected)
        assert r.hstrlen(key, "f3") == 2
        assert r.hmget(key, "f1", "nope") == [b"v1", None]


def test_listpack_keeps_insertion_order(r):
    r.hset("h", mapping={"z": "1", "a": "2", "m": "3"})
    r.hset("h", "a", "20")
    r.hdel("h", "z")
    r.hset("h", "z", "0")
    assert r.hkeys("h") == [b"a", b"m", b"z"]
    assert r.hvals("h") == [b"20", b"3", b"0"]


# ---- HRANDFIELD ------------------------------------------------------------

@pytest.mark.parametrize("size", [5, 600])
def test_hrandfield_distinct_and_complete(r, size):
    expected = fill(r, "h", size)
    for count in (1, 2, size // 2, size - 1, size, size + 10):
        got = r.hrandfield("h", count)
        assert len(got) == min(count, size)
        assert len(set(got)) == len(got)
        assert {f.decode() for f in got} <= set(expected)
    pairs = r.execute_command("HRANDFIELD", "h", size * 2, "WITHVALUES")
    assert len(pairs) == 2 * size
    assert {pairs[i].decode(): pairs[i + 1].decode() for i in range(0, len(pairs), 2)} == expected


@pytest.mark.parametrize("size", [3, 600])
def test_hrandfield_negative_count_repeats(r, size):
    expected = fill(r, "h", size)
    got = r.hrandfield("h", -2000)
    assert len(got) == 2000
    assert {f.decode() for f in got} <= set(expected)
    counts = collections.Counter(got)
    # 2000 picks among 3 fields repeat a lot; every one shows up.
    if size == 3:
        assert len(counts) == 3 and min(counts.values()) > 400
    pairs = r.execute_command("HRANDFIELD", "h", -1500, "WITHVALUES")
    assert len(pairs) == 3000
    for i in range(0, len(pairs), 2):
        assert expected[pairs[i].decode()] == pairs[i + 1].decode()


@pytest.mark.parametrize("size", [10, 1000])
def test_hrandfield_is_not_stuck_on_few_fields(r, size):
    fill(r, "h", size)
    seen = collections.Counter(r.hrandfield("h") for _ in range(300))
    assert len(seen) > min(size, 10) // 2
    assert max(seen.values()) < 100


def test_hrandfield_sampling_strategies_on_hashtable(r):
    """Counts near the size (copy and remove) and far below it (pick and
    de-duplicate) both give distinct fields with their own values."""
    expected = fill(r, "h", 1000)
    assert encoding(r, "h") == b"hashtable"
    for count in (900, 400, 100, 10):
        pairs = r.execute_command("HRANDFIELD", "h", count, "WITHVALUES")
        fields = pairs[0::2]
        assert len(fields) == count == len(set(fields))
        for f, v in zip(fields, pairs[1::2]):
            assert expected[f.decode()] == v.decode()


def test_hrandfield_count_errors(r):
    r.hset("h", "a", "1")
    with pytest.raises(redis.ResponseError, match="value is out of range"):
        r.execute_command("HRANDFIELD", "h", 2**62, "WITHVALUES")
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("HRANDFIELD", "h", 1, "WITHSCORES")
    assert r.hrandfield("h", 0) == []


# ---- HSCAN -----------------------------------------------------------------

def full_hscan(r, key, **kwargs):
    cursor, seen, calls = 0, {}, 0
    while True:
        cursor, batch = r.hscan(key, cursor, **kwargs)
        seen.update(batch)
        calls += 1
        assert calls < 10_000
        if cursor == 0:
            return seen, calls


def test_hscan_listpack_in_one_call(r):
    expected = fill(r, "h", 50)
    cursor, batch = r.hscan("h", 0, count=1)
    assert cursor == 0
    assert as_str_dict(batch) == expected


def test_hscan_hashtable_covers_every_field(r):
    expected = fill(r, "h", 2000)
    seen, calls = full_hscan(r, "h")
    assert as_str_dict(seen) == expected
    assert calls > 10
    seen, _ = full_hscan(r, "h", count=500)
    assert as_str_dict(seen) == expected


def test_hscan_count_bounds_the_batch(r):
    fill(r, "h", 2000)
    cursor, batch = r.hscan("h", 0, count=20)
    assert cursor != 0
    # A pair counts as one element against COUNT, as in Redis 7.0; a bucket's
    # whole chain is returned, so a batch may overshoot a little.
    assert 20 <= len(batch) < 40


def test_hscan_match(r):
    fill(r, "h", 1000, prefix="a")
    fill(r, "h", 1000, prefix="b")
    seen, _ = full_hscan(r, "h", match="a1*")
    assert set(seen) == {f"a{i}".encode() for i in range(1000) if str(i).startswith("1")}
    assert all(seen[f] == b"v" + f[1:] for f in seen)


def test_hscan_survives_growth_and_shrink(r):
    """Fields present for the whole scan are returned at least once even as
    the table rehashes under it."""
    stable = fill(r, "h", 600, prefix="s")
    cursor, seen, step = 0, {}, 0
    while True:
        cursor, batch = r.hscan("h", cursor, count=20)
        seen.update(batch)
        step += 1
        if step == 3:
            fill(r, "h", 3000, prefix="grow")
        if step == 10:
            r.hdel("h", *[f"grow{i}" for i in range(3000)])
        if cursor == 0:
            break
    assert set(stable) <= {k.decode() for k in seen}


def test_hscan_errors(r):
    fill(r, "h", 3)
    with pytest.raises(redis.ResponseError, match="invalid cursor"):
        r.execute_command("HSCAN", "h", "x")
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("HSCAN", "h", 0, "COUNT", 0)
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("HSCAN", "h", 0, "TYPE", "hash")
