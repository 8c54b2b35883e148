"""vigil-sentinel failover scenarios, with vigil-server data nodes and
with Debian's redis-server ones."""

import pytest

from harness import wait_until
from sentinel_harness import SentinelGroup, count_events, wait_replicating_to


@pytest.fixture(params=["vigil", "redis"])
def group(request):
    g = SentinelGroup(data=request.param).start()
    yield g
    g.cleanup()


def test_kill_primary_exactly_one_failover(group):
    group.wait_discovery()
    old = group.master
    old.kill9()
    host, port = group.wait_failover(old.port, timeout=20)
    new = group.server_at(port)
    assert new in group.replicas
    # The new primary takes writes and the other replica follows it.
    wait_until(lambda: new.client().set("k", "v"), 10, 0.05, "write on the new primary")
    other = next(r for r in group.replicas if r is not new)
    wait_replicating_to(other, port)
    wait_until(lambda: all(count_events(s, "+switch-master") for s in group.sentinels), 15,
               0.05, "+switch-master on every sentinel")
    leaders = sum(count_events(s, "+elected-leader") for s in group.sentinels)
    switches = [count_events(s, "+switch-master") for s in group.sentinels]
    assert leaders == 1, group.logs()
    assert switches == [1, 1, 1], group.logs()
    # The old primary comes back and is turned into a replica of the new one.
    group.restart_server(old)
    # Redis's timeline, which we keep: the link reconnects, the next INFO
    # (every 10 s for a replica) reports role:master, and the sentinel
    # waits 8 s more before +convert-to-slave; then the sync.  Up to ~25 s
    # on an idle machine, so the bound leaves room for a loaded one.
    wait_replicating_to(old, port, timeout=60)


def test_sigstop_primary_fails_over(group):
    group.wait_discovery()
    old = group.master
    old.pause()
    try:
        _, port = group.wait_failover(old.port, timeout=20)
        assert group.server_at(port) in group.replicas
    finally:
        old.resume()
    # Resumed, the old primary is demoted by the sentinels.
    wait_replicating_to(old, port, timeout=30)


def test_sentinel_killed_mid_failover(group):
    group.wait_discovery()
    for s in group.sentinels:
        s.client().execute_command("SENTINEL", "SIMULATE-FAILURE", "crash-after-election")
    old = group.master
    old.kill9()
    # The elected leader crashes right after the election; the two others
    # retry after the failover timeout and complete the failover.
    wait_until(lambda: len(group.live_sentinels()) == 2, 20, 0.05, "the leader to crash")
    # Any SIMULATE-FAILURE call first clears the flags (as in redis-sentinel,
    # which needs at least one argument): HELP leaves them clear.
    for s in group.live_sentinels():
        s.client().execute_command("SENTINEL", "SIMULATE-FAILURE", "HELP")
    _, port = group.wait_failover(old.port, timeout=40)
    assert group.server_at(port) in group.replicas


def test_replica_priority_zero_never_promoted():
    g = SentinelGroup(replica_priorities=[0, 100]).start()
    try:
        g.wait_discovery()
        zero, eligible = g.replicas
        g.master.kill9()
        _, port = g.wait_failover(g.master.port, timeout=20)
        assert port == eligible.port
        wait_replicating_to(zero, port)
    finally:
        g.cleanup()


def test_only_priority_zero_replicas_no_failover():
    g = SentinelGroup(replicas=1, replica_priorities=[0]).start()
    try:
        g.wait_discovery()
        g.master.kill9()
        wait_until(lambda: sum(count_events(s, "-failover-abort-no-good-slave")
                               for s in g.sentinels), 15, 0.05, "an aborted failover")
        assert g.agreed_master()[1] == g.master.port
    finally:
        g.cleanup()


def test_redis_py_sentinel_client_follows(group):
    from redis.sentinel import Sentinel

    group.wait_discovery()
    sent = Sentinel([("127.0.0.1", s.port) for s in group.sentinels], socket_timeout=1)
    master = sent.master_for(group.name, socket_timeout=1)
    master.set("before", "1")
    replica = sent.slave_for(group.name, socket_timeout=1)
    wait_until(lambda: replica.get("before") == b"1", 10, 0.05, "replica read")
    old = group.master
    old.kill9()
    group.wait_failover(old.port, timeout=20)

    def write_ok():
        try:
            return master.set("after", "2")
        except Exception:
            return False

    wait_until(write_ok, 15, 0.1, "master_for to write after the failover")
    assert sent.discover_master(group.name)[1] != old.port
    wait_until(lambda: replica.get("after") == b"2", 15, 0.1, "slave_for to read")
