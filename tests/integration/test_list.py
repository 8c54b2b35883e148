"""List commands through redis-py: long lists under every node size and
compression depth checked against a Python model, the configuration being
honoured, emptied lists being deleted, dirty counting, copies, and the
keyspace events and WATCH signals of each command (skipped while the server
lacks PSUBSCRIBE or MULTI).  Exact replies and errors of every command and
option live in diff_scripts/list.txt."""

import random

import pytest
import redis

import harness


def dirty(client):
    return client.info("persistence")["rdb_changes_since_last_save"]


def require_command(srv, name):
    with srv.raw() as conn:
        if conn.command("COMMAND", "INFO", name) == b"*1\r\n$-1\r\n":
            pytest.skip(f"{name} is not implemented by this server yet")


def lrange_all(client, key):
    return client.lrange(key, 0, -1)


# ---- encodings and configuration ---------------------------------------------

def test_every_list_is_a_quicklist(r):
    r.rpush("small", "a")
    assert r.object("encoding", "small") == b"quicklist"
    r.rpush("big", *[f"element-{i}" for i in range(2000)])
    assert r.object("encoding", "big") == b"quicklist"
    r.ltrim("big", 0, 0)
    assert r.object("encoding", "big") == b"quicklist"


def used_memory_for_lists(srv, lists=20, length=2000):
    client = srv.client()
    try:
        before = client.info("memory")["used_memory"]
        pipe = client.pipeline(transaction=False)
        for n in range(lists):
            pipe.rpush(f"l{n}", *(["x" * 40] * length))
        pipe.execute()
        return client.info("memory")["used_memory"] - before
    finally:
        client.close()


def test_list_compress_depth_is_honoured(server_factory):
    plain = used_memory_for_lists(server_factory({"list-compress-depth": "0"}))
    compressed = used_memory_for_lists(server_factory({"list-compress-depth": "1"}))
    # Ten 8 KB nodes per list of one repeated byte: the interior ones
    # compress to almost nothing.
    assert compressed < plain / 2


def test_list_max_listpack_size_is_honoured(server_factory):
    one_per_node = used_memory_for_lists(server_factory({"list-max-listpack-size": "1"}))
    default = used_memory_for_lists(server_factory({"list-max-listpack-size": "-2"}))
    # A node (and its listpack header) per element costs far more.
    assert one_per_node > default * 1.5


@pytest.mark.parametrize("fill,depth", [("-2", "0"), ("4", "1"), ("1", "2"), ("-1", "3")])
def test_random_operations_match_a_model(server_factory, fill, depth):
    srv = server_factory({"list-max-listpack-size": fill, "list-compress-depth": depth})
    client = srv.client()
    rng = random.Random(f"{fill}/{depth}")
    model = []

    def value():
        kind = rng.randrange(4)
        if kind == 0:
            return str(rng.randrange(-1000, 1000)).encode()
        if kind == 1:
            return b"v" * rng.randrange(1, 300)
        return rng.choice([b"a", b"b", b"c", b"hello"])

    for step in range(1500):
        op = rng.randrange(9)
        if op == 0:
            vals = [value() for _ in range(rng.randrange(1, 6))]
            client.rpush("l", *vals)
            model.extend(vals)
        elif op == 1:
            vals = [value() for _ in range(rng.randrange(1, 6))]
            client.lpush("l", *vals)
            model[:0] = reversed(vals)
        elif op == 2 and model:
            n = rng.randrange(1, 4)
            assert client.lpop("l", n) == model[:n]
            del model[:n]
        elif op == 3 and model:
            assert client.rpop("l") == model.pop()
        elif op == 4 and model:
            i = rng.randrange(-len(model), len(model))
            v = value()
            client.lset("l", i, v)
            model[i] = v
        elif op == 5 and model:
            pivot = rng.choice(model)
            v = value()
            where = rng.choice(["BEFORE", "AFTER"])
            assert client.linsert("l", where, pivot, v) == len(model) + 1
            at = model.index(pivot)
            model.insert(at if where == "BEFORE" else at + 1, v)
        elif op == 6 and model:
            target = rng.choice(model)
            count = rng.randrange(-3, 4)
            removed = client.lrem("l", count, target)
            idxs = [i for i, v in enumerate(model) if v == target]
            if count < 0:
                idxs = idxs[::-1][:-count]
            elif count > 0:
                idxs = idxs[:count]
            assert removed == len(idxs)
            for i in sorted(idxs, reverse=True):
                del model[i]
        elif op == 7 and model:
            start = rng.randrange(-len(model) - 2, len(model) + 2)
            stop = rng.randrange(-len(model) - 2, len(model) + 2)
            s, e = start, stop
            s = s + len(model) if s < 0 else s
            e = e + len(model) if e < 0 else e
            s = max(s, 0)
            want = model[s:e + 1] if s <= e else []
            assert client.lrange("l", start, stop) == want
            if rng.randrange(8) == 0:
                client.ltrim("l", start, stop)
                model[:] = want
        elif op == 8 and model:
            i = rng.randrange(-len(model) - 1, len(model) + 1)
            want = model[i] if -len(model) <= i < len(model) else None
            assert client.lindex("l", i) == want
        if step % 100 == 0 or not model:
            assert client.llen("l") == len(model)
            assert lrange_all(client, "l") == model
            assert client.exists("l") == (1 if model else 0)
    assert lrange_all(client, "l") == model
    client.close()


# ---- basics over long lists --------------------------------------------------

def test_lrange_and_lindex_over_many_nodes(r):
    items = [f"item:{i}".encode() for i in range(5000)]
    r.rpush("l", *items)
    assert r.llen("l") == 5000
    assert lrange_all(r, "l") == items
    assert r.lrange("l", 2500, 2509) == items[2500:2510]
    assert r.lrange("l", -10, -1) == items[-10:]
    for i in (0, 1, 127, 128, 2500, 4999, -1, -5000):
        assert r.lindex("l", i) == items[i]
    assert r.lindex("l", 5000) is None
    assert r.lindex("l", -5001) is None


def test_lpos_over_many_nodes(r):
    r.rpush("l", *(["x", "y", "needle"] * 1000))
    assert r.lpos("l", "needle") == 2
    assert r.lpos("l", "needle", rank=-1) == 2999
    assert r.lpos("l", "needle", rank=500) == 1499
    assert r.lpos("l", "needle", count=0) == list(range(2, 3000, 3))
    assert r.lpos("l", "needle", count=3, rank=-2) == [2996, 2993, 2990]
    assert r.lpos("l", "needle", count=0, maxlen=10) == [2, 5, 8]


def test_big_and_binary_elements(r):
    big = bytes(range(256)) * 2000
    r.rpush("l", b"a", big, b"\x00", b"")
    assert r.lindex("l", 1) == big
    assert lrange_all(r, "l") == [b"a", big, b"\x00", b""]
    r.lset("l", 0, big)
    assert r.lpop("l") == big
    assert r.rpop("l", 2) == [b"", b"\x00"]


def test_integers_come_back_as_given(r):
    values = [b"0", b"-1", b"9223372036854775807", b"-9223372036854775808", b"007", b"1.0",
              b"12345678901234567890"]
    r.rpush("l", *values)
    assert lrange_all(r, "l") == values
    assert r.lpos("l", "-1") == 1
    assert r.lrem("l", 0, "7") == 0
    assert r.rpoplpush("l", "l") == values[-1]


def test_emptied_lists_are_deleted_by_every_command(r):
    def fresh():
        r.delete("l")
        r.rpush("l", "a", "b")

    fresh(); r.lpop("l", 2)
    assert not r.exists("l")
    fresh(); r.rpop("l"); r.rpop("l")
    assert not r.exists("l")
    fresh(); r.lrem("l", 0, "a"); r.lrem("l", 0, "b")
    assert not r.exists("l")
    fresh(); r.ltrim("l", 3, 4)
    assert not r.exists("l")
    fresh(); r.lmove("l", "d", "LEFT", "LEFT"); r.lmove("l", "d", "LEFT", "LEFT")
    assert not r.exists("l")
    fresh(); r.execute_command("LMPOP", 1, "l", "LEFT", "COUNT", 5)
    assert not r.exists("l")
    fresh(); r.blpop("l"); r.brpop("l")
    assert not r.exists("l")


def test_moves_rotate_a_single_list(r):
    r.rpush("l", "a", "b", "c")
    assert r.lmove("l", "l", "LEFT", "RIGHT") == b"a"
    assert r.rpoplpush("l", "l") == b"a"
    assert lrange_all(r, "l") == [b"a", b"b", b"c"]
    r.delete("l")
    r.rpush("l", "only")
    assert r.lmove("l", "l", "RIGHT", "LEFT") == b"only"
    assert lrange_all(r, "l") == [b"only"]


def test_copy_is_a_deep_copy(r):
    r.rpush("l", *[str(i) for i in range(500)])
    assert r.copy("l", "c")
    r.lset("c", 0, "changed")
    r.rpush("c", "extra")
    assert r.lindex("l", 0) == b"0"
    assert r.llen("l") == 500
    assert r.llen("c") == 501


def test_big_list_deleted_in_the_background_is_gone(r):
    r.rpush("l", *[str(i) for i in range(10000)])
    assert r.delete("l") == 1
    assert not r.exists("l")
    assert r.unlink("missing") == 0
    r.rpush("l", "again")
    assert lrange_all(r, "l") == [b"again"]


def test_wrong_type_on_every_command(r):
    r.set("s", "v")
    calls = [
        ("LPUSH", "s", "a"), ("RPUSH", "s", "a"), ("LPUSHX", "s", "a"), ("RPUSHX", "s", "a"),
        ("LPOP", "s"), ("RPOP", "s", 2), ("LLEN", "s"), ("LRANGE", "s", 0, -1),
        ("LINDEX", "s", 0), ("LSET", "s", 0, "a"), ("LINSERT", "s", "BEFORE", "a", "b"),
        ("LREM", "s", 0, "a"), ("LTRIM", "s", 0, 1), ("LPOS", "s", "a"),
        ("LMOVE", "s", "d", "LEFT", "LEFT"), ("RPOPLPUSH", "s", "d"),
        ("LMPOP", 1, "s", "LEFT"), ("BLPOP", "s", 0), ("BRPOP", "s", 0),
        ("BLMOVE", "s", "d", "LEFT", "LEFT", 0), ("BRPOPLPUSH", "s", "d", 0),
        ("BLMPOP", 0, 1, "s", "LEFT"),
    ]
    for call in calls:
        with pytest.raises(redis.ResponseError, match="^WRONGTYPE"):
            r.execute_command(*call)
    r.rpush("l", "x")
    with pytest.raises(redis.ResponseError, match="^WRONGTYPE"):
        r.lmove("l", "s", "LEFT", "LEFT")
    assert lrange_all(r, "l") == [b"x"]


# ---- dirty counter, keyspace events, WATCH ---------------------------------

@pytest.mark.parametrize("call,expected", [
    (("RPUSH", "l", "x", "y"), 2),
    (("LPUSHX", "l", "x", "y", "z"), 3),
    (("LPUSHX", "nokey", "x"), 0),
    (("LPOP", "l", 2), 2),
    (("LPOP", "l", 0), 0),
    (("RPOP", "l"), 1),
    (("LSET", "l", 0, "z"), 1),
    (("LINSERT", "l", "AFTER", "a", "z"), 1),
    (("LINSERT", "l", "AFTER", "nope", "z"), 0),
    (("LREM", "l", 0, "a"), 1),
    (("LREM", "l", 0, "nope"), 0),
    (("LTRIM", "l", 0, -1), 0),
    (("LTRIM", "l", 1, 1), 2),
    (("LMOVE", "l", "d", "LEFT", "RIGHT"), 1),
    (("RPOPLPUSH", "l", "l"), 1),
    (("LMPOP", 1, "l", "RIGHT", "COUNT", 2), 2),
    (("BLPOP", "l", 0), 1),
    (("LPOS", "l", "a"), 0),
])
def test_dirty_counts_changed_elements(r, call, expected):
    r.rpush("l", "a", "b", "c")
    before = dirty(r)
    r.execute_command(*call)
    assert dirty(r) - before == expected


def collect_events(pubsub):
    events = []
    while True:
        msg = pubsub.get_message(timeout=0.2)
        if msg is None:
            return events
        if msg["type"] == "pmessage":
            events.append((msg["channel"].decode().split(":", 1)[1], msg["data"].decode()))


@pytest.mark.parametrize("call,expected", [
    (("RPUSH", "l", "x", "y"), [("rpush", "l")]),
    (("LPUSHX", "l", "x"), [("lpush", "l")]),
    (("LPOP", "l", 3), [("lpop", "l"), ("del", "l")]),
    (("RPOP", "l"), [("rpop", "l")]),
    (("LSET", "l", 0, "z"), [("lset", "l")]),
    (("LINSERT", "l", "BEFORE", "b", "z"), [("linsert", "l")]),
    (("LREM", "l", 0, "b"), [("lrem", "l")]),
    (("LTRIM", "l", 0, -1), [("ltrim", "l")]),
    (("LTRIM", "l", 2, 1), [("ltrim", "l"), ("del", "l")]),
    (("LMOVE", "l", "d", "LEFT", "RIGHT"), [("rpush", "d"), ("lpop", "l")]),
    (("RPOPLPUSH", "l", "l"), [("lpush", "l"), ("rpop", "l")]),
    (("LMPOP", 1, "l", "LEFT", "COUNT", 9), [("lpop", "l"), ("del", "l")]),
    (("BRPOP", "l", 0), [("rpop", "l")]),
])
def test_keyspace_events(server, r, call, expected):
    require_command(server, "psubscribe")
    r.config_set("notify-keyspace-events", "KEA")
    r.rpush("l", "a", "b", "c")
    pubsub = r.pubsub()
    pubsub.psubscribe("__keyevent@0__:*")
    pubsub.get_message(timeout=1)
    r.execute_command(*call)
    assert collect_events(pubsub) == expected
    pubsub.close()


def test_list_writes_touch_watched_keys(server, r):
    require_command(server, "watch")
    r.rpush("l", "a", "b")
    for call in [("RPUSH", "l", "x"), ("LPOP", "l"), ("LSET", "l", 0, "z"),
                 ("LTRIM", "l", 0, 0), ("LMOVE", "other", "l", "LEFT", "LEFT")]:
        r.rpush("other", "o")
        with r.pipeline() as pipe:
            pipe.watch("l")
            server.client().execute_command(*call)
            pipe.multi()
            pipe.llen("l")
            with pytest.raises(redis.WatchError):
                pipe.execute()


def test_lpush_over_the_wire_replies_exact_bytes(server, raw):
    conn = raw(server)
    assert conn.command("RPUSH", "w", "a", "b") == b":2\r\n"
    assert conn.command("LPOP", "w", "0") == b"*0\r\n"
    assert conn.command("LPOP", "nokey", "0") == b"*-1\r\n"
    assert conn.command("LPOP", "nokey") == b"$-1\r\n"
    assert conn.command("LMPOP", "1", "w", "LEFT") == b"*2\r\n$1\r\nw\r\n*1\r\n$1\r\na\r\n"
    assert harness.reply_end(conn.command("LRANGE", "w", "0", "-1")) is not None
