"""Replication interop with Debian's redis-server 7.0.15, both ways: a
redis-server replica of a vigil primary and a vigil replica of a
redis-server primary, with disk and diskless full syncs, the stream under
writes of every type, a partial resync after CLIENT KILL TYPE master, mixed
chains, and links over TLS (tls-replication).
Datasets are compared with DEBUG DIGEST, which both compute alike."""
import pytest

import harness
from harness import wait_until
from test_replication import (FAST, dataset, digest, link_up, needs_rdb,  # noqa: F401
                              repl_info, wait_in_sync, write_every_type)
from test_tls import certs  # noqa: F401  (the certificates fixture)


def follow(replica, primary):
    c = replica.client()
    c.execute_command("REPLICAOF", "127.0.0.1", primary.port)
    wait_until(lambda: link_up(c), timeout=15, message="link up")


def kill_link_and_resume(primary, replica):
    p, r = primary.client(), replica.client()
    full = p.info("stats")["sync_full"]
    partial = p.info("stats")["sync_partial_ok"]
    assert r.execute_command("CLIENT", "KILL", "TYPE", "master") == 1
    p.set("written-while-down", "yes")
    wait_until(lambda: p.info("stats")["sync_partial_ok"] == partial + 1, timeout=15)
    wait_until(lambda: link_up(r), timeout=10)
    wait_in_sync(primary, replica)
    assert p.info("stats")["sync_full"] == full
    assert r.get("written-while-down") == b"yes"


@pytest.mark.parametrize("diskless", ["yes", "no"])
def test_redis_replica_of_vigil(server_factory, redis_peer_factory, needs_rdb, diskless):
    primary = server_factory(config=dict(FAST, **{"repl-diskless-sync": diskless}))
    p = primary.client()
    p.set("loaded-by-full-sync", "1")
    replica = redis_peer_factory(config=FAST)
    follow(replica, primary)
    write_every_type(p)
    primary.client(db=1).rpush("other-db", "a", "b")
    wait_in_sync(primary, replica)
    assert dataset(replica) == dataset(primary)
    assert digest(replica) == digest(primary)
    kill_link_and_resume(primary, replica)
    assert digest(replica) == digest(primary)


@pytest.mark.parametrize("load", ["disabled", "swapdb"])
@pytest.mark.parametrize("diskless", ["yes", "no"])
def test_vigil_replica_of_redis(server_factory, redis_peer_factory, needs_rdb, diskless, load):
    primary = redis_peer_factory(config=dict(FAST, **{"repl-diskless-sync": diskless}))
    p = primary.client()
    write_every_type(p)
    replica = server_factory(config=dict(FAST, **{"repl-diskless-load": load}))
    follow(replica, primary)
    assert digest(replica) == digest(primary)
    write_every_type(primary.client(db=1))
    p.set("after-sync", "1")
    wait_in_sync(primary, replica)
    assert dataset(replica) == dataset(primary)
    assert digest(replica) == digest(primary)
    kill_link_and_resume(primary, replica)
    assert digest(replica) == digest(primary)


def test_mixed_chain_and_promotion(server_factory, redis_peer_factory, needs_rdb):
    """vigil -> redis -> vigil; then the redis replica is promoted and the
    old vigil primary follows it with a partial resync."""
    top = server_factory(config=dict(FAST, **{"repl-ping-replica-period": 60}))
    middle = redis_peer_factory(config=FAST)
    follow(middle, top)
    leaf = server_factory(config=FAST)
    follow(leaf, middle)
    t = top.client()
    write_every_type(t)
    wait_in_sync(top, middle, leaf)
    assert digest(leaf) == digest(middle) == digest(top)
    m = middle.client()
    full_before = m.info("stats")["sync_full"]
    m.execute_command("REPLICAOF", "NO", "ONE")
    m.set("promoted", "1")
    follow(top, middle)
    wait_in_sync(middle, top, leaf)
    assert m.info("stats")["sync_full"] == full_before
    assert repl_info(t)["master_replid"] == repl_info(m)["master_replid"]
    assert digest(top) == digest(middle) == digest(leaf)


@pytest.mark.parametrize("primary_kind", ["vigil", "redis"])
def test_replication_over_tls(server_factory, redis_peer_factory, needs_rdb, certs,
                              primary_kind):
    """tls-replication: the link is TLS, to and from redis-server."""
    tls = {"tls-cert-file": certs / "server.crt", "tls-key-file": certs / "server.key",
           "tls-ca-cert-file": certs / "ca.crt", "tls-replication": "yes"}
    factories = [server_factory, redis_peer_factory]
    if primary_kind == "redis":
        factories.reverse()
    tls_port = harness.free_port()
    primary = factories[0](config=dict(FAST, **tls, **{"tls-port": tls_port}))
    p = primary.client()
    write_every_type(p)
    replica = factories[1](config=dict(FAST, **tls))
    r = replica.client()
    r.execute_command("REPLICAOF", "127.0.0.1", tls_port)
    wait_until(lambda: link_up(r), timeout=15, message="TLS link up")
    p.set("after", "tls")
    wait_in_sync(primary, replica)
    assert digest(replica) == digest(primary)
    kill_link_and_resume(primary, replica)
