"""Transactions: MULTI / EXEC / DISCARD / WATCH / UNWATCH.  Queueing, the
two abort forms (EXECABORT for queue-time errors, nil for a touched WATCH),
runtime errors reported in place, and what touches a watched key: writes
from any client, expiry, FLUSHDB/FLUSHALL, SWAPDB.  Single-connection reply
bytes are also in diff_scripts/multi.txt.

Waits on other families: test_watched_key_expiring_fails_exec and
test_watch_stale_key_* need SET's PX option (strings);
test_flush_touches_watched_keys needs FLUSHDB/FLUSHALL and
test_swapdb_touches_watched_keys needs SWAPDB (server / keyspace
commands)."""

import time

import pytest
import redis

from harness import encode_command, wait_until

EXECABORT = b"-EXECABORT Transaction discarded because of previous errors.\r\n"


@pytest.fixture
def client(server):
    """A redis-py client; tests use their own key names instead of flushing."""
    c = server.client()
    yield c
    c.close()


@pytest.fixture
def key(request):
    """A key name no other test uses."""
    return "multi:" + request.node.name


def exec_runs(conn, marker):
    """MULTI; SET marker; EXEC on a raw connection: True if it ran."""
    assert conn.command("MULTI") == b"+OK\r\n"
    assert conn.command("SET", marker, "1") == b"+QUEUED\r\n"
    reply = conn.command("EXEC")
    assert reply in (b"*1\r\n+OK\r\n", b"*-1\r\n"), reply
    return reply == b"*1\r\n+OK\r\n"


def test_queue_and_exec(server, raw, key):
    conn = raw(server)
    assert conn.command("MULTI") == b"+OK\r\n"
    assert conn.command("SET", key, "v") == b"+QUEUED\r\n"
    assert conn.command("GET", key) == b"+QUEUED\r\n"
    assert conn.command("PING") == b"+QUEUED\r\n"
    assert conn.command("EXEC") == b"*3\r\n+OK\r\n$1\r\nv\r\n+PONG\r\n"
    assert conn.command("MULTI") == b"+OK\r\n"
    assert conn.command("EXEC") == b"*0\r\n"


def test_nothing_runs_before_exec(server, raw, client, key):
    conn = raw(server)
    conn.command("MULTI")
    conn.command("SET", key, "queued")
    assert client.get(key) is None
    conn.command("EXEC")
    assert client.get(key) == b"queued"


def test_runtime_errors_are_reported_in_place(server, raw, key):
    conn = raw(server)
    conn.command("MULTI")
    conn.command("SET", key, "v")
    conn.command("SELECT", "99")
    conn.command("GET", key)
    assert conn.command("EXEC") == (b"*3\r\n+OK\r\n-ERR DB index is out of range\r\n"
                                    b"$1\r\nv\r\n")


def test_state_errors(server, raw):
    conn = raw(server)
    assert conn.command("EXEC") == b"-ERR EXEC without MULTI\r\n"
    assert conn.command("DISCARD") == b"-ERR DISCARD without MULTI\r\n"
    conn.command("MULTI")
    # Neither of these dooms the transaction.
    assert conn.command("MULTI") == b"-ERR MULTI calls can not be nested\r\n"
    assert conn.command("WATCH", "x") == b"-ERR WATCH inside MULTI is not allowed\r\n"
    conn.command("PING")
    assert conn.command("EXEC") == b"*1\r\n+PONG\r\n"


def test_queue_time_errors_abort(server, raw, client, key):
    conn = raw(server)
    conn.command("MULTI")
    conn.command("SET", key, "1")
    assert conn.command("NOSUCHCMD", "a") == (
        b"-ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' \r\n")
    assert conn.command("GET") == b"-ERR wrong number of arguments for 'get' command\r\n"
    # Still queued after the error, and still thrown away.
    assert conn.command("SET", key, "2") == b"+QUEUED\r\n"
    assert conn.command("EXEC") == EXECABORT
    assert client.get(key) is None
    assert conn.command("EXEC") == b"-ERR EXEC without MULTI\r\n"


def test_rejected_exec_discards(server, raw, client, key):
    conn = raw(server)
    conn.command("MULTI")
    conn.command("SET", key, "1")
    assert conn.command("EXEC", "extra") == (
        b"-EXECABORT Transaction discarded because of: wrong number of arguments for "
        b"'exec' command\r\n")
    assert conn.command("EXEC") == b"-ERR EXEC without MULTI\r\n"
    assert client.get(key) is None


def test_discard(server, raw, client, key):
    conn = raw(server)
    conn.command("WATCH", key)
    conn.command("MULTI")
    conn.command("SET", key, "1")
    assert conn.command("DISCARD") == b"+OK\r\n"
    assert client.get(key) is None
    # DISCARD also unwatched the key.
    client.set(key, "other")
    assert exec_runs(conn, key + ":ran")


def test_watch_touched_by_another_client(server, raw, client, key):
    conn = raw(server)
    assert conn.command("WATCH", key) == b"+OK\r\n"
    client.set(key, "changed")
    assert not exec_runs(conn, key + ":ran")
    assert client.get(key + ":ran") is None


def test_watch_untouched_runs(server, raw, client, key):
    conn = raw(server)
    conn.command("WATCH", key, key + ":b")
    client.set(key + ":unrelated", "1")
    client.get(key)
    assert exec_runs(conn, key + ":ran")


def test_watch_touched_by_self_and_by_delete(server, raw, client, key):
    conn = raw(server)
    conn.command("WATCH", key)
    conn.command("SET", key, "mine")
    assert not exec_runs(conn, key + ":ran")
    conn.command("WATCH", key)
    client.delete(key)
    assert not exec_runs(conn, key + ":ran")
    # Deleting a missing key changes nothing.
    conn.command("WATCH", key)
    client.delete(key)
    assert exec_runs(conn, key + ":ran")


def test_watch_is_per_db(server, raw, client, key):
    conn = raw(server)
    conn.command("WATCH", key)
    other = server.client(db=1)
    other.set(key, "db1")
    other.delete(key)
    other.close()
    assert exec_runs(conn, key + ":ran")


def test_exec_and_unwatch_forget_watched_keys(server, raw, client, key):
    conn = raw(server)
    conn.command("WATCH", key)
    assert exec_runs(conn, key + ":ran")
    client.set(key, "after exec")
    assert exec_runs(conn, key + ":ran")
    conn.command("WATCH", key)
    client.set(key, "touched")
    assert conn.command("UNWATCH") == b"+OK\r\n"
    assert exec_runs(conn, key + ":ran")


def test_failed_exec_forgets_watched_keys(server, raw, client, key):
    conn = raw(server)
    conn.command("WATCH", key)
    client.set(key, "1")
    assert not exec_runs(conn, key + ":ran")
    client.set(key, "2")
    assert exec_runs(conn, key + ":ran")


def test_transaction_own_writes_do_not_abort_it(server, raw, key):
    conn = raw(server)
    conn.command("WATCH", key)
    conn.command("MULTI")
    conn.command("SET", key, "1")
    conn.command("SET", key, "2")
    assert conn.command("EXEC") == b"*2\r\n+OK\r\n+OK\r\n"


def test_redis_py_optimistic_locking(server, client, key):
    """The WATCH / read / MULTI / EXEC retry loop clients build on."""
    client.set(key, "10")
    attempts = 0
    with client.pipeline() as pipe:
        while True:
            attempts += 1
            try:
                pipe.watch(key)
                value = int(pipe.get(key))
                if attempts == 1:
                    client.set(key, "20")  # a concurrent writer wins the first round
                pipe.multi()
                pipe.set(key, str(value + 1))
                pipe.execute()
                break
            except redis.WatchError:
                continue
    assert attempts == 2
    assert client.get(key) == b"21"


def test_long_pipelined_transaction(server, raw, key):
    conn = raw(server)
    count = 2000
    conn.send(b"".join([encode_command("MULTI")] +
                       [encode_command("SET", f"{key}:{i}", str(i)) for i in range(count)] +
                       [encode_command("EXEC")]))
    assert conn.read_reply() == b"+OK\r\n"
    assert conn.read_replies(count) == [b"+QUEUED\r\n"] * count
    assert conn.read_reply() == b"*%d\r\n" % count + b"+OK\r\n" * count


def test_disconnect_inside_multi_with_watches(server, raw, client, key):
    conn = raw(server)
    conn.command("WATCH", key, key + ":2")
    conn.command("MULTI")
    conn.command("SET", key, "never")
    conn.close()
    # The server dropped the queue and the watches with the client.
    client.set(key, "x")
    assert client.get(key) == b"x"
    other = raw(server)
    other.command("WATCH", key)
    assert exec_runs(other, key + ":ran")


def test_quit_inside_multi(server, raw, client, key):
    conn = raw(server)
    conn.command("MULTI")
    conn.command("SET", key, "1")
    assert conn.command("QUIT") == b"+OK\r\n"
    assert client.get(key) is None


def test_watched_key_expiring_fails_exec(server, raw, client, key):
    conn = raw(server)
    client.set(key, "v", px=300)
    conn.command("WATCH", key)
    deadline = time.monotonic() + 0.4
    wait_until(lambda: time.monotonic() > deadline, 5, message="the TTL to pass")
    # Whether or not anything deleted it yet, it changed since WATCH.
    assert not exec_runs(conn, key + ":ran")


def test_watch_stale_key_then_lazy_delete_runs(server, raw, client, key):
    conn = raw(server)
    client.set(key, "v", px=1)
    deadline = time.monotonic() + 0.05
    wait_until(lambda: time.monotonic() > deadline, 5, message="the TTL to pass")
    # Already expired when watched: its deletion is no change.
    conn.command("WATCH", key)
    assert client.get(key) is None
    assert exec_runs(conn, key + ":ran")


def test_watch_stale_key_then_recreated_fails(server, raw, client, key):
    conn = raw(server)
    client.set(key, "v", px=1)
    deadline = time.monotonic() + 0.05
    wait_until(lambda: time.monotonic() > deadline, 5, message="the TTL to pass")
    conn.command("WATCH", key)
    client.set(key, "again")
    assert not exec_runs(conn, key + ":ran")


def test_flush_touches_watched_keys(server, raw, client, key):
    conn = raw(server)
    client.set(key, "v")
    conn.command("WATCH", key)
    client.flushdb()
    assert not exec_runs(conn, key + ":ran")
    # A watched key that did not exist is not touched by a flush.
    conn.command("WATCH", key + ":missing")
    client.flushall()
    assert exec_runs(conn, key + ":ran")


def test_swapdb_touches_watched_keys(server, raw, client, key):
    conn = raw(server)
    db1 = server.client(db=1)
    try:
        db1.set(key, "in db1")
        conn.command("WATCH", key)
        client.swapdb(0, 1)
        assert not exec_runs(conn, key + ":ran")
        client.delete(key)
        db1.delete(key)
        conn.command("WATCH", key)
        client.swapdb(0, 1)
        assert exec_runs(conn, key + ":ran")
    finally:
        db1.close()
