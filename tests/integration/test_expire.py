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
