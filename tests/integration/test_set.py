"""Set commands through redis-py: the intset/hashtable encodings and their
threshold, emptied sets, SPOP/SRANDMEMBER sampling rules, the set algebra
checked against Python sets on both encodings, SSCAN's iteration guarantee,
change counting and keyspace events.  Exact error bytes and reply shapes for
every command and option live in diff_scripts/set.txt; here the checks need
many elements, statistics or a server with its own configuration."""

import random

import pytest
import redis

from harness import wait_until

WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


def encoding(r, key):
    return r.object("encoding", key)


def members(r, key):
    return {m.decode() for m in r.smembers(key)}


def dirty(r):
    return r.info("persistence")["rdb_changes_since_last_save"]


# ---- encodings -------------------------------------------------------------

def test_integers_make_an_intset_read_back_ascending(r, server, raw):
    assert r.sadd("s", 5, -3, 100, 0, 9223372036854775807, -9223372036854775808) == 6
    assert encoding(r, "s") == b"intset"
    want = [b"-9223372036854775808", b"-3", b"0", b"5", b"100", b"9223372036854775807"]
    reply = b"*6\r\n" + b"".join(b"$%d\r\n%s\r\n" % (len(m), m) for m in want)
    conn = raw(server)
    assert conn.command("SMEMBERS", "s") == reply
    assert conn.command("SUNION", "s", "nokey") == reply
    assert conn.command("SINTER", "s", "s") == reply
    assert conn.command("SDIFF", "s", "nokey") == reply


@pytest.mark.parametrize("member", ["-0", "007", "+1", " 1", "1 ", "1.0", "9223372036854775808",
                                    "abc", ""])
def test_non_canonical_integers_make_a_hashtable(r, member):
    r.sadd("s", 1, 2)
    assert r.sadd("s", member) == 1
    assert encoding(r, "s") == b"hashtable"
    assert members(r, "s") == {"1", "2", member}
    assert r.sismember("s", member)
    assert r.sadd("new", member) == 1
    assert encoding(r, "new") == b"hashtable"


def test_default_threshold_is_512(r):
    r.sadd("s", *range(512))
    assert encoding(r, "s") == b"intset"
    assert r.sadd("s", 0) == 0
    assert encoding(r, "s") == b"intset"
    r.sadd("s", 512)
    assert encoding(r, "s") == b"hashtable"
    assert r.scard("s") == 513
    # One-way: shrinking back does not return to the intset.
    r.srem("s", *range(500))
    assert encoding(r, "s") == b"hashtable"
    assert members(r, "s") == {str(i) for i in range(500, 513)}


def test_repeated_arguments_do_not_count_towards_the_threshold(r):
    r.sadd("s", *([7] * 600))
    assert encoding(r, "s") == b"intset"
    assert r.scard("s") == 1


def test_configured_threshold_is_honoured(server_factory):
    srv = server_factory({"set-max-intset-entries": "4"})
    client = srv.client()
    client.sadd("s", 1, 2, 3, 4)
    assert encoding(client, "s") == b"intset"
    client.sadd("s", 5)
    assert encoding(client, "s") == b"hashtable"
    client.config_set("set-max-intset-entries", "0")
    client.sadd("z", 1)
    assert encoding(client, "z") == b"hashtable"
    assert members(client, "z") == {"1"}


def test_both_encodings_answer_alike(server_factory):
    srv = server_factory({"set-max-intset-entries": "0"})
    ht = srv.client()
    values = [3, -1, 42, 0]
    ht.sadd("s", *values)
    assert encoding(ht, "s") == b"hashtable"
    assert members(ht, "s") == {str(v) for v in values}
    assert ht.smismember("s", 3, 4, "-1", "x") == [1, 0, 1, 0]
    assert ht.srem("s", "42", "43") == 1
    assert ht.scard("s") == 3


def test_members_are_binary_safe(r):
    member = b"m\x00\xff\r\n" + bytes(range(256))
    r.sadd("s", member, b"")
    assert r.sismember("s", member)
    assert not r.sismember("s", b"m")
    assert set(r.smembers("s")) == {member, b""}
    assert r.srem("s", member) == 1


# ---- emptied sets ----------------------------------------------------------

def test_emptied_sets_are_deleted(r):
    r.sadd("a", "x", 1)
    assert r.srem("a", "x", 1, "missing") == 2
    assert r.exists("a") == 0
    r.sadd("b", 1)
    assert r.spop("b") == b"1"
    assert r.exists("b") == 0
    r.sadd("c", 1, "x")
    assert sorted(r.spop("c", 10)) == [b"1", b"x"]
    assert r.exists("c") == 0
    r.sadd("d", "m")
    assert r.smove("d", "e", "m") == 1
    assert r.exists("d") == 0 and members(r, "e") == {"m"}


def test_missing_keys(r):
    assert r.smembers("nokey") == set()
    assert r.scard("nokey") == 0
    assert not r.sismember("nokey", "a")
    assert r.smismember("nokey", "a", "b") == [0, 0]
    assert r.spop("nokey") is None
    assert r.spop("nokey", 3) == []
    assert r.srandmember("nokey") is None
    assert r.srandmember("nokey", -3) == []
    assert r.sscan("nokey") == (0, [])
    assert r.exists("nokey") == 0


def test_wrongtype_on_every_command(r, server, raw):
    r.set("str", "v")
    r.sadd("s", 1)
    conn = raw(server)
    for argv in (["SADD", "str", "a"], ["SREM", "str", "a"], ["SMOVE", "str", "s", "a"],
                 ["SMOVE", "s", "str", "1"], ["SISMEMBER", "str", "a"],
                 ["SMISMEMBER", "str", "a"], ["SCARD", "str"], ["SMEMBERS", "str"],
                 ["SPOP", "str"], ["SPOP", "str", "1"], ["SRANDMEMBER", "str"],
                 ["SRANDMEMBER", "str", "2"], ["SINTER", "s", "str"],
                 ["SINTERCARD", "2", "s", "str"], ["SINTERSTORE", "d", "s", "str"],
                 ["SUNION", "nokey", "str"], ["SUNIONSTORE", "d", "str"],
                 ["SDIFF", "s", "str"], ["SDIFFSTORE", "d", "nokey", "str"],
                 ["SSCAN", "str", "0"]):
        assert conn.command(*argv) == WRONGTYPE, argv
    assert r.exists("d") == 0
    assert members(r, "s") == {"1"}


# ---- SPOP / SRANDMEMBER ----------------------------------------------------

def fill(r, key, n, strings=False):
    values = [f"m{i}" if strings else str(i) for i in range(n)]
    r.sadd(key, *values)
    return set(values)


@pytest.mark.parametrize("strings", [False, True], ids=["intset", "hashtable"])
@pytest.mark.parametrize("count", [1, 3, 20, 85, 99, 100, 150])
def test_spop_count_pops_distinct_members(r, strings, count):
    everything = fill(r, "s", 100, strings)
    popped = [m.decode() for m in r.spop("s", count)]
    assert len(popped) == min(count, 100)
    assert len(set(popped)) == len(popped)
    assert set(popped) <= everything
    remaining = members(r, "s")
    assert remaining | set(popped) == everything
    assert not remaining & set(popped)


def test_spop_keeps_ttl(r):
    fill(r, "s", 100)
    r.expire("s", 1000)
    r.spop("s", 95)
    r.spop("s", 1)
    r.spop("s")
    assert r.scard("s") == 3
    assert 0 < r.ttl("s") <= 1000


def test_spop_most_of_a_hashtable_of_integers_leaves_an_intset(r):
    fill(r, "s", 600)
    assert encoding(r, "s") == b"hashtable"
    r.spop("s", 590)
    assert r.scard("s") == 10
    assert encoding(r, "s") == b"intset"


def test_spop_count_errors(r):
    r.sadd("s", 1)
    for bad in ("-1", "abc", "9223372036854775808"):
        with pytest.raises(redis.ResponseError, match="value is out of range, must be positive"):
            r.spop("s", bad)
    assert r.spop("s", 0) == []
    assert members(r, "s") == {"1"}


@pytest.mark.parametrize("strings", [False, True], ids=["intset", "hashtable"])
@pytest.mark.parametrize("count", [2, 10, 40, 49, 50, 80])
def test_srandmember_distinct_and_complete(r, strings, count):
    everything = fill(r, "s", 50, strings)
    got = [m.decode() for m in r.srandmember("s", count)]
    assert len(got) == min(count, 50)
    assert len(set(got)) == len(got)
    assert set(got) <= everything
    assert members(r, "s") == everything


@pytest.mark.parametrize("strings", [False, True], ids=["intset", "hashtable"])
def test_srandmember_negative_count_repeats(r, strings):
    everything = fill(r, "s", 5, strings)
    got = [m.decode() for m in r.srandmember("s", -200)]
    assert len(got) == 200
    assert set(got) == everything  # 200 draws from 5 miss one with p < 1e-18


@pytest.mark.parametrize("strings", [False, True], ids=["intset", "hashtable"])
@pytest.mark.parametrize("count", [1, 3])
def test_srandmember_reaches_every_member(r, strings, count):
    everything = fill(r, "s", 30 if strings else 10, strings)
    seen = set()
    for _ in range(2000):
        seen.update(m.decode() for m in r.srandmember("s", count))
        if seen == everything:
            break
    assert seen == everything
    seen_single = set()
    for _ in range(2000):
        seen_single.add(r.srandmember("s").decode())
        if seen_single == everything:
            break
    assert seen_single == everything


def test_srandmember_big_set_small_count(r):
    everything = fill(r, "s", 3000, strings=True)
    got = r.srandmember("s", 10)
    assert len(set(got)) == 10 and {m.decode() for m in got} <= everything


def test_srandmember_count_errors(r):
    r.sadd("s", 1)
    with pytest.raises(redis.ResponseError, match="value is out of range, value must between"):
        r.srandmember("s", -9223372036854775808)
    with pytest.raises(redis.ResponseError, match="not an integer"):
        r.srandmember("s", "x")


# ---- set algebra -----------------------------------------------------------

def random_sets(seed, strings):
    rng = random.Random(seed)
    sets = []
    for size in (0, 1, 5, 40, 300, 700):
        pool = range(1000)
        values = {str(v) for v in rng.sample(pool, size)}
        if strings and values:
            values.add("str")
        sets.append(values)
    return sets


def load(r, sets):
    names = []
    for i, values in enumerate(sets):
        name = f"k{i}"
        if values:
            r.sadd(name, *values)
        names.append(name)
    return names


@pytest.mark.parametrize("strings", [False, True], ids=["integers", "mixed"])
def test_algebra_matches_python_sets(r, strings):
    sets = random_sets(7 + strings, strings)
    names = load(r, sets)
    rng = random.Random(3)
    for _ in range(60):
        picked = rng.sample(range(len(sets)), rng.randint(1, 4))
        keys = [names[i] for i in picked]
        chosen = [sets[i] for i in picked]
        inter = set.intersection(*chosen)
        union = set.union(*chosen)
        diff = chosen[0].difference(*chosen[1:])
        assert {m.decode() for m in r.sinter(*keys)} == inter
        assert {m.decode() for m in r.sunion(*keys)} == union
        assert {m.decode() for m in r.sdiff(*keys)} == diff
        assert r.sintercard(len(keys), keys) == len(inter)
        assert r.sintercard(len(keys), keys, limit=3) == min(3, len(inter))
        for cmd, expected in (("SINTERSTORE", inter), ("SUNIONSTORE", union),
                              ("SDIFFSTORE", diff)):
            assert r.execute_command(cmd, "dst", *keys) == len(expected)
            assert members(r, "dst") == expected
            if expected and cmd != "SDIFFSTORE":
                all_ints = all(v.lstrip("-").isdigit() for v in expected)
                want = b"intset" if all_ints and len(expected) <= 512 else b"hashtable"
                assert encoding(r, "dst") == want, (cmd, keys)


def test_sdiffstore_encoding_follows_the_algorithm(r):
    """A difference is built either by adding the first set's survivors or
    by copying the first set and removing the others; the copy passes
    through a hashtable when the first set is big, as in Redis."""
    r.sadd("big", *range(700))
    r.sadd("mid", *range(300))
    r.sadd("small", *range(5))
    assert r.sdiffstore("d1", "big", "mid") == 400
    assert encoding(r, "d1") == b"intset"
    assert r.sdiffstore("d2", "big", "mid", "small") == 400
    assert encoding(r, "d2") == b"hashtable"
    assert members(r, "d1") == members(r, "d2")


def test_store_overwrites_any_type_and_drops_the_ttl(r):
    r.sadd("a", 1, 2)
    r.set("dst", "string", ex=100)
    assert r.sunionstore("dst", "a") == 2
    assert r.type("dst") == b"set"
    assert r.ttl("dst") == -1


def test_store_of_an_empty_result_deletes_the_destination(r):
    r.sadd("a", 1, 2)
    r.sadd("b", 3)
    for argv in (["SINTERSTORE", "dst", "a", "b"], ["SINTERSTORE", "dst", "a", "nokey"],
                 ["SDIFFSTORE", "dst", "a", "a"], ["SUNIONSTORE", "dst", "nokey"]):
        r.set("dst", "x")
        assert r.execute_command(*argv) == 0
        assert r.exists("dst") == 0, argv


def test_store_into_a_source_key(r):
    r.sadd("a", 1, 2, 3)
    r.sadd("b", 2, 3, 4)
    assert r.sinterstore("a", "a", "b") == 2
    assert members(r, "a") == {"2", "3"}
    assert r.sdiffstore("b", "b", "a") == 1
    assert members(r, "b") == {"4"}


def test_smove(r):
    r.sadd("src", 1, "x")
    r.sadd("dst", 2)
    assert r.smove("src", "dst", "x") == 1
    assert encoding(r, "dst") == b"hashtable"
    assert r.smove("src", "dst", "x") == 0
    assert r.smove("src", "src", "1") == 1
    assert r.smove("src", "src", "2") == 0
    r.sadd("dst", 1)
    assert r.smove("src", "dst", 1) == 1
    assert r.exists("src") == 0
    assert members(r, "dst") == {"1", "2", "x"}
    assert r.smove("nokey", "dst", 1) == 0


# ---- SSCAN -----------------------------------------------------------------

def full_sscan(r, key, **kwargs):
    cursor, seen, calls = 0, [], 0
    while True:
        cursor, batch = r.sscan(key, cursor, **kwargs)
        seen.extend(m.decode() for m in batch)
        calls += 1
        if cursor == 0:
            return seen, calls


def test_sscan_intset_in_one_call(r):
    everything = fill(r, "s", 200)
    seen, calls = full_sscan(r, "s", count=5)
    assert calls == 1
    assert seen == sorted(everything, key=int)
    assert r.sscan("s", 0, match="1?")[1] == [str(i).encode() for i in range(10, 20)]


def test_sscan_hashtable_covers_every_member(r):
    everything = fill(r, "s", 1000, strings=True)
    seen, calls = full_sscan(r, "s", count=20)
    assert set(seen) == everything
    assert calls > 10
    matched, _ = full_sscan(r, "s", match="m1?", count=50)
    assert set(matched) == {f"m1{i}" for i in range(10)}


def test_sscan_survives_growth_and_shrink(r):
    fill(r, "s", 300, strings=True)
    stable = {f"m{i}" for i in range(0, 300, 3)}
    cursor, seen = 0, set()
    step = 0
    while True:
        cursor, batch = r.sscan("s", cursor, count=10)
        seen.update(m.decode() for m in batch)
        step += 1
        if step == 3:
            r.sadd("s", *[f"extra{i}" for i in range(2000)])
        if step == 8:
            r.srem("s", *[f"extra{i}" for i in range(2000)])
            r.srem("s", *[f"m{i}" for i in range(300) if i % 3])
        if cursor == 0:
            break
    assert stable <= seen


# ---- bookkeeping -----------------------------------------------------------

DIRTY_CASES = [
    (["SADD", "s", "1", "2", "9"], 1),
    (["SADD", "s", "1"], 0),
    (["SREM", "s", "1", "2", "7"], 2),
    (["SREM", "s", "1", "2", "3", "7"], 3),
    (["SPOP", "s"], 1),
    (["SPOP", "s", "2"], 2),
    (["SPOP", "s", "10"], 3),
    (["SMOVE", "s", "t", "1"], 2),
    (["SMOVE", "s", "s2", "2"], 1),
    (["SMOVE", "s", "t", "99"], 0),
    (["SINTERSTORE", "d", "s", "s2"], 1),
    (["SINTERSTORE", "d", "s", "nokey"], 0),
    (["SUNIONSTORE", "s", "nokey"], 1),
    (["SRANDMEMBER", "s", "2"], 0),
]


@pytest.mark.parametrize("argv,changes", DIRTY_CASES, ids=lambda v: str(v))
def test_changes_are_counted_as_redis_counts_them(r, argv, changes):
    r.sadd("s", 1, 2, 3)
    r.sadd("s2", 2)
    r.sadd("t", 5)
    before = dirty(r)
    r.execute_command(*argv)
    assert dirty(r) - before == changes


EVENT_CASES = [
    (["SADD", "s", "1", "2", "3"], [("sadd", "s")]),
    (["SADD", "s", "1"], []),
    (["SREM", "s", "9"], []),
    (["SREM", "s", "3"], [("srem", "s")]),
    (["SPOP", "s"], [("spop", "s")]),
    (["SADD", "p", "1", "2"], [("sadd", "p")]),
    (["SPOP", "p", "5"], [("spop", "p"), ("del", "p")]),
    (["SPOP", "nokey", "5"], []),
    (["SADD", "a", "1", "2"], [("sadd", "a")]),
    (["SMOVE", "a", "b", "1"], [("srem", "a"), ("sadd", "b")]),
    (["SMOVE", "a", "b", "2"], [("srem", "a"), ("del", "a"), ("sadd", "b")]),
    (["SINTERSTORE", "d", "b", "b"], [("sinterstore", "d")]),
    (["SUNIONSTORE", "d", "b"], [("sunionstore", "d")]),
    (["SDIFFSTORE", "d", "b"], [("sdiffstore", "d")]),
    (["SDIFFSTORE", "d", "b", "b"], [("del", "d")]),
    (["SDIFFSTORE", "d", "b", "b"], []),
    (["SREM", "b", "1", "2"], [("srem", "b"), ("del", "b")]),
]


def test_keyspace_events(server_factory):
    srv = server_factory(config={"notify-keyspace-events": "KEA"})
    client = srv.client()
    pubsub = client.pubsub()
    pubsub.psubscribe("__keyevent@0__:*")
    wait_until(lambda: pubsub.get_message(timeout=0.1) is not None, 5,
               message="psubscribe confirmation")
    for marker, (argv, expected) in enumerate(EVENT_CASES):
        client.execute_command(*argv)
        # A PUBLISH after each command fences its events.
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
