"""SORT and SORT_RO through redis-py, checked against Python's sorting on
many elements: numeric and ALPHA orders, BY weights from strings and from
hash fields of both hash encodings, GET patterns, LIMIT windows, STORE's
list result with its bookkeeping.  Exact replies for every option and error
live in diff_scripts/sort.txt.  Lists to sort are made with SORT ... STORE,
so this file does not depend on the list commands."""

import random

import pytest
import redis

from harness import wait_until


def dirty(r):
    return r.info("persistence")["rdb_changes_since_last_save"]


def as_str(values):
    return [v.decode() if v is not None else None for v in values]


def test_numeric_sort_matches_python(r):
    rng = random.Random(1)
    values = {str(rng.randint(-10**6, 10**6)) for _ in range(3000)}
    values |= {"1.5", "-2.25", "1e3", "inf", "-inf", "0x1f"}
    r.sadd("s", *values)
    expected = sorted(values, key=lambda v: (float.fromhex(v) if v.startswith("0x") else float(v), v))
    assert as_str(r.sort("s")) == expected
    assert as_str(r.sort("s", desc=True)) == expected[::-1]
    assert as_str(r.execute_command("SORT_RO", "s", "LIMIT", 100, 50)) == expected[100:150]


def test_alpha_sort_matches_python(r):
    rng = random.Random(2)
    values = {"".join(rng.choice("abcXYZ019") for _ in range(rng.randint(1, 8)))
              for _ in range(2000)}
    r.sadd("s", *values)
    expected = sorted(values)
    assert as_str(r.sort("s", alpha=True)) == expected
    assert as_str(r.sort("s", alpha=True, desc=True)) == expected[::-1]
    assert as_str(r.sort("s", alpha=True, start=10, num=5)) == expected[10:15]


def test_numeric_ties_fall_back_to_the_bytes(r):
    r.sadd("s", "1", "1.0", "01", "1e0", "0.5")
    assert as_str(r.sort("s")) == ["0.5", "01", "1", "1.0", "1e0"]
    assert as_str(r.sort("s", desc=True)) == ["1e0", "1.0", "1", "01", "0.5"]


def test_non_numbers_are_an_error(r):
    r.sadd("s", 1, "abc")
    with pytest.raises(redis.ResponseError, match="One or more scores can't be converted"):
        r.sort("s")
    r.sadd("t", 1, "nan")
    with pytest.raises(redis.ResponseError, match="One or more scores can't be converted"):
        r.sort("t")
    with pytest.raises(redis.ResponseError, match="One or more scores can't be converted"):
        r.sort("s", store="dst")
    assert r.exists("dst") == 0
    assert as_str(r.sort("s", alpha=True)) == ["1", "abc"]


@pytest.mark.parametrize("window", [(0, 10), (5, 3), (-3, 4), (95, 10), (100, 5), (3, 0),
                                    (0, -1), (20, -5)])
def test_limit_windows(r, window):
    r.sadd("s", *range(100))
    start, count = window
    expected = [str(i) for i in range(100)]
    begin = max(start, 0)
    end = 100 if count < 0 else begin + count
    assert as_str(r.sort("s", start=start, num=count)) == expected[begin:end]


def test_by_string_weights(r):
    rng = random.Random(3)
    items = [f"item{i}" for i in range(500)]
    weights = {item: rng.randint(0, 50) for item in items}
    r.sadd("s", *items)
    r.mset({f"w_{item}": w for item, w in weights.items()})
    expected = sorted(items, key=lambda item: (weights[item], item))
    assert as_str(r.sort("s", by="w_*")) == expected
    # Missing weights count as 0.
    r.delete("w_item7")
    weights["item7"] = 0
    expected = sorted(items, key=lambda item: (weights[item], item))
    assert as_str(r.sort("s", by="w_*")) == expected


@pytest.mark.parametrize("hash_entries", ["128", "0"], ids=["listpack", "hashtable"])
def test_by_and_get_hash_fields(server_factory, hash_entries):
    srv = server_factory({"hash-max-listpack-entries": hash_entries})
    client = srv.client()
    users = {"1": ("carol", 35), "2": ("alice", 29), "3": ("bob", 41), "4": ("dave", 29)}
    client.sadd("users", *users)
    for uid, (name, age) in users.items():
        client.hset(f"user:{uid}", mapping={"name": name, "age": age, "pad": "x"})
    expected_encoding = b"listpack" if hash_entries != "0" else b"hashtable"
    assert client.object("encoding", "user:1") == expected_encoding
    assert as_str(client.sort("users", by="user:*->age", get=["#", "user:*->name"])) == [
        "2", "alice", "4", "dave", "1", "carol", "3", "bob"]
    assert as_str(client.sort("users", by="user:*->name", alpha=True, get="user:*->age")) == [
        "29", "41", "35", "29"]
    assert as_str(client.sort("users", get=["user:*->nosuch", "nokey:*->name", "#"])) == [
        None, None, "1", None, None, "2", None, None, "3", None, None, "4"]


def test_get_patterns(r):
    r.sadd("s", 1, 2, 3)
    r.set("v_1", "one")
    r.set("v_3", 3)
    r.sadd("v_2", "a set")
    assert as_str(r.sort("s", get=["v_*", "#"])) == ["one", "1", None, "2", "3", "3"]
    assert as_str(r.sort("s", get="constant")) == [None, None, None]
    r.set("x1y", "mid")
    assert as_str(r.sort("s", get="x*y", start=0, num=1)) == ["mid"]


def test_by_constant_keeps_the_value_order(r):
    r.sadd("s", 5, 3, 9)
    assert as_str(r.sort("s", by="nosort")) == ["3", "5", "9"]
    r.sort("s", alpha=True, store="l")
    r.sort("s", by="nosort", desc=True, store="rev")
    assert as_str(r.sort("l", by="nosort")) == ["3", "5", "9"]
    assert as_str(r.sort("l", by="nosort", desc=True)) == ["9", "5", "3"]
    assert as_str(r.sort("l", by="nosort", start=1, num=5)) == ["5", "9"]
    assert as_str(r.sort("l", by="nosort", desc=True, start=1, num=1)) == ["5"]


def test_store_of_an_unsorted_set_is_sorted_lexically(r):
    values = [f"m{i}" for i in range(200)]
    r.sadd("s", *values)
    assert r.sort("s", by="nosort", store="l") == 200
    assert as_str(r.sort("l", by="nosort")) == sorted(values)


def test_store_makes_a_list(r):
    r.sadd("s", *range(10))
    r.set("dst", "old", ex=100)
    assert r.sort("s", desc=True, store="dst") == 10
    assert r.type("dst") == b"list"
    assert r.object("encoding", "dst") == b"quicklist"
    assert r.ttl("dst") == -1
    assert as_str(r.sort("dst", by="nosort")) == [str(i) for i in range(9, -1, -1)]
    # Sorting a list: numeric, ALPHA, duplicates kept.
    r.sort("s", get=["#", "#"], store="dup")
    assert as_str(r.sort("dup", start=0, num=4)) == ["0", "0", "1", "1"]
    assert r.sort("s", get=["nokey_*", "#"], store="withget") == 20
    assert as_str(r.sort("withget", by="nosort", start=0, num=4)) == ["", "0", "", "1"]


def test_store_of_nothing_deletes_the_destination(r):
    r.sadd("s", 1, 2)
    r.set("dst", "x")
    assert r.sort("s", start=5, num=1, store="dst") == 0
    assert r.exists("dst") == 0
    r.set("dst", "x")
    assert r.sort("nokey", store="dst") == 0
    assert r.exists("dst") == 0


def test_store_into_the_sorted_key(r):
    r.sadd("s", 3, 1, 2)
    assert r.sort("s", store="s") == 3
    assert r.type("s") == b"list"
    assert as_str(r.sort("s", by="nosort")) == ["1", "2", "3"]


def test_sort_ro_refuses_store(r):
    r.sadd("s", 1)
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("SORT_RO", "s", "STORE", "dst")


def test_wrong_types(r):
    r.set("str", "x")
    r.hset("h", "a", 1)
    for key in ("str", "h"):
        with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
            r.sort(key)
        with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
            r.execute_command("SORT_RO", key)
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("SORT", "str", "NOSUCHOPTION")


@pytest.mark.parametrize("argv,changes", [
    (["SORT", "s", "STORE", "d"], 3),
    (["SORT", "s", "GET", "#", "GET", "x", "STORE", "d"], 6),
    (["SORT", "s", "LIMIT", "9", "1", "STORE", "d"], 0),
    (["SORT", "s", "LIMIT", "9", "1", "STORE", "old"], 1),
    (["SORT", "s"], 0),
], ids=lambda v: str(v))
def test_changes_are_counted_as_redis_counts_them(r, argv, changes):
    r.sadd("s", 1, 2, 3)
    r.set("old", "x")
    before = dirty(r)
    r.execute_command(*argv)
    assert dirty(r) - before == changes


def test_keyspace_events(server_factory):
    srv = server_factory(config={"notify-keyspace-events": "KEA"})
    client = srv.client()
    client.sadd("s", 1, 2)
    client.set("old", "x")
    pubsub = client.pubsub()
    pubsub.psubscribe("__keyevent@0__:*")
    wait_until(lambda: pubsub.get_message(timeout=0.1) is not None, 5,
               message="psubscribe confirmation")
    cases = [
        (["SORT", "s", "STORE", "d"], [("sortstore", "d")]),
        (["SORT", "s", "LIMIT", "5", "1", "STORE", "d"], [("del", "d")]),
        (["SORT", "s", "LIMIT", "5", "1", "STORE", "d"], []),
        (["SORT", "s"], []),
    ]
    for marker, (argv, expected) in enumerate(cases):
        client.execute_command(*argv)
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
