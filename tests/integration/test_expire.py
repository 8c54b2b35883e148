"""Expiry: lazy (on access) and active (in the background), and the rule that
an expired key is never returned by any command.  Option semantics and error
bytes are in diff_scripts/expire.txt."""

import pytest

from harness import wait_until


@pytest.fixture
def lazy_only(r):
    """Active expiry off for the test, so only access can expire keys."""
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 0)
    yield r
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 1)


def wait_expired(client, key):
    """Wait (by PTTL, which expires lazily) until key is gone."""
    wait_until(lambda: client.pttl(key) == -2, 10, message=f"{key!r} to expire")


def test_ttl_and_pttl(r):
    r.set("k", "v")
    assert r.ttl("k") == -1 and r.pttl("k") == -1
    assert r.ttl("absent") == -2 and r.pttl("absent") == -2
    r.expire("k", 100)
    assert r.ttl("k") == 100 and 99_000 < r.pttl("k") <= 100_000
    assert r.persist("k") and r.ttl("k") == -1


def test_lazy_expiry_on_access(lazy_only):
    r = lazy_only
    r.set("gone", "v", px=100)
    assert r.get("gone") == b"v"
    wait_until(lambda: r.get("gone") is None, 10, message="GET to return nil")
    r.set("p", "v", px=100)
    wait_expired(r, "p")
    assert r.ttl("p") == -2


def test_expired_keys_are_counted_until_touched_without_active_expiry(lazy_only):
    r = lazy_only
    r.set("persistent", "v")
    for i in range(50):
        r.set(f"v:{i}", "x", px=100)
    r.set("sentinel", "x", px=100)
    wait_expired(r, "sentinel")
    # Nothing touched the 50 volatile keys: still stored, but invisible.
    assert r.dbsize() == 51
    assert r.keys("*") == [b"persistent"]
    assert [k for k in _scan_keys(r)] == [b"persistent"]
    assert r.randomkey() == b"persistent"
    assert r.mget([f"v:{i}" for i in range(50)]) == [None] * 50
    assert r.exists(*[f"v:{i}" for i in range(50)]) == 0
    assert r.dbsize() == 1


def _scan_keys(client):
    cursor, keys = 0, []
    while True:
        cursor, batch = client.scan(cursor, count=100)
        keys += batch
        if cursor == 0:
            return keys


def test_active_expiry_removes_keys_without_access(r):
    r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", 1)
    r.set("persistent", "v")
    for i in range(200):
        r.set(f"v:{i}", "x", px=100)
    assert r.dbsize() == 201
    wait_until(lambda: r.dbsize() == 1, 15, message="active expiry to empty the db")
    assert r.get("persistent") == b"v"
    stats = r.info("stats")
    assert stats["expired_keys"] >= 200


def test_expire_in_the_past_deletes(r):
    r.set("k", "v")
    assert r.expire("k", -1)
    assert r.exists("k") == 0
    r.set("k", "v")
    assert r.pexpireat("k", 1000)
    assert r.exists("k") == 0


def test_expire_options(r):
    r.set("k", "v")
    assert not r.expire("k", 100, xx=True)
    assert r.expire("k", 100, nx=True)
    assert not r.expire("k", 50, gt=True)
    assert r.expire("k", 200, gt=True) and r.ttl("k") == 200
    assert r.expire("k", 150, lt=True) and r.ttl("k") == 150
    assert r.expireat("k", 32503680000)
    assert r.expiretime("k") == 32503680000
    assert r.execute_command("PEXPIRETIME", "k") == 32503680000000


def test_keyspace_info_counts_expires(r):
    r.set("a", 1, ex=100)
    r.set("b", 2)
    db0 = r.info("keyspace")["db0"]
    assert db0["keys"] == 2 and db0["expires"] == 1


def test_active_expiry_empties_volatile_keys_nobody_reads(r):
    """DBSIZE counts stored keys without touching any: only the background
    cycle can bring it down."""
    r.set("persistent", "v")
    pipe = r.pipeline(transaction=False)
    for i in range(300):
        pipe.set(f"vol:{i}", "x")
        pipe.pexpire(f"vol:{i}", 50)
    pipe.execute()
    assert r.dbsize() == 301
    wait_until(lambda: r.dbsize() == 1, 15, message="the expire cycle to delete 300 keys")
    assert r.ttl("persistent") == -1


def test_expire_then_persist_keeps_the_key(r):
    r.set("k", "v")
    assert r.pexpire("k", 300)
    assert r.persist("k")
    assert not r.persist("k")
    # Past the old deadline the key is still there, with no TTL.
    r.set("marker", "m")
    r.pexpire("marker", 300)
    wait_until(lambda: r.exists("marker") == 0, 10, message="the marker to expire")
    assert r.get("k") == b"v" and r.pttl("k") == -1


def test_ttl_is_rounded_and_never_negative(r):
    r.set("k", "v")
    r.pexpire("k", 100_400)
    assert r.ttl("k") == 100
    r.pexpire("k", 99_600)
    assert r.ttl("k") == 100
    assert r.expiretime("k") == (r.execute_command("PEXPIRETIME", "k") + 500) // 1000


def test_expired_key_publishes_expired_event(server, r):
    r.config_set("notify-keyspace-events", "Ex")
    sub = server.client().pubsub()
    sub.subscribe("__keyevent@0__:expired")
    wait_until(lambda: sub.get_message(timeout=0.1), 10, message="subscribe confirmation")
    try:
        r.set("soon", "v")
        r.pexpire("soon", 20)

        def expired_message():
            message = sub.get_message(timeout=0.1)
            return message if message and message["type"] == "message" else None
        message = wait_until(expired_message, 10, message="the expired event")
        assert message["data"] == b"soon"
    finally:
        sub.close()
        r.config_set("notify-keyspace-events", "")


def test_expire_in_the_past_notifies_del(server, r):
    r.config_set("notify-keyspace-events", "Eg")
    sub = server.client().pubsub()
    sub.subscribe("__keyevent@0__:del")
    wait_until(lambda: sub.get_message(timeout=0.1), 10, message="subscribe confirmation")
    try:
        r.set("k", "v")
        assert r.expireat("k", 1) is True

        def del_message():
            message = sub.get_message(timeout=0.1)
            return message if message and message["type"] == "message" else None
        assert wait_until(del_message, 10, message="the del event")["data"] == b"k"
    finally:
        sub.close()
        r.config_set("notify-keyspace-events", "")
