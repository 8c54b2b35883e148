"""vigil-sentinel: discovery, commands, down states, persistence."""

import os

import pytest
import redis

from harness import wait_until
from sentinel_harness import SentinelGroup, count_events


@pytest.fixture(scope="module")
def group():
    g = SentinelGroup().start()
    g.wait_discovery()
    yield g
    g.cleanup()


def test_discovery_and_masters_reply(group):
    c = group.sentinels[0].client()
    m = c.execute_command("SENTINEL", "MASTER", group.name)
    fields = m[0::2]
    assert fields[:7] == ["name", "ip", "port", "runid", "flags", "link-pending-commands",
                          "link-refcount"]
    assert fields[-6:] == ["config-epoch", "num-slaves", "num-other-sentinels", "quorum",
                           "failover-timeout", "parallel-syncs"]
    d = dict(zip(m[0::2], m[1::2]))
    assert d["flags"] == "master" and d["num-slaves"] == "2" and d["num-other-sentinels"] == "2"
    reps = c.execute_command("SENTINEL", "REPLICAS", group.name)
    assert sorted(int(dict(zip(r[0::2], r[1::2]))["port"]) for r in reps) == \
        sorted(r.port for r in group.replicas)
    sents = c.execute_command("SENTINEL", "SENTINELS", group.name)
    ids = {dict(zip(s[0::2], s[1::2]))["runid"] for s in sents}
    myids = {s.client().execute_command("SENTINEL", "MYID") for s in group.sentinels[1:]}
    assert ids == myids


def test_commands_shapes_and_errors(group):
    c = group.sentinels[0].client()
    assert c.execute_command("ROLE") == ["sentinel", [group.name]]
    assert c.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nope") is None
    with pytest.raises(redis.ResponseError, match="No such master with that name"):
        c.execute_command("SENTINEL", "MASTER", "nope")
    with pytest.raises(redis.ResponseError, match="Try SENTINEL HELP"):
        c.execute_command("SENTINEL", "FOO")
    with pytest.raises(redis.ResponseError, match="Only HELLO messages are accepted"):
        c.execute_command("PUBLISH", "x", "y")
    with pytest.raises(redis.ResponseError, match="(?i)unknown command 'get'"):
        c.execute_command("GET", "x")
    def ckquorum():
        try:
            return c.execute_command("SENTINEL", "CKQUORUM", group.name)
        except redis.ResponseError as e:
            assert str(e).startswith("NOQUORUM")
            return None

    # Links to just-discovered sentinels come up on the next tick.
    ck = wait_until(ckquorum, 5, 0.05, "CKQUORUM OK")
    assert ck.startswith("OK 3 usable Sentinels")
    info = c.info("sentinel")
    assert info["sentinel_masters"] == 1 and info["master0"]["status"] == "ok"
    down = c.execute_command("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1",
                             group.master.port, 0, "*")
    assert down == [0, "*", 0]
    with pytest.raises(redis.ResponseError, match="Invalid argument 'abc'"):
        c.execute_command("SENTINEL", "SET", group.name, "down-after-milliseconds", "abc")
    assert c.execute_command("SENTINEL", "SET", group.name, "parallel-syncs", "2")
    with open(group.sentinels[0].conf) as f:
        assert f"sentinel parallel-syncs {group.name} 2" in f.read()


def test_events_published_on_sdown(group):
    c = group.sentinels[0].client()
    p = c.pubsub()
    p.psubscribe("*")
    replica = group.replicas[0]
    replica.pause()
    try:
        def got_sdown():
            m = p.get_message(timeout=0.1)
            return m and m["channel"] == "+sdown" and m["data"].startswith(
                f"slave 127.0.0.1:{replica.port} 127.0.0.1 {replica.port} @ {group.name}")

        wait_until(got_sdown, 10, 0, "+sdown event for the paused replica")
    finally:
        replica.resume()
    wait_until(lambda: "s_down" not in dict(zip(*[iter(next(
        r for r in c.execute_command("SENTINEL", "REPLICAS", group.name)
        if str(replica.port) in r[1]))] * 2))["flags"], 10, 0.05, "-sdown")
    p.close()


def test_restart_keeps_id_and_epoch(group):
    s = group.sentinels[2]
    c = s.client()
    myid = c.execute_command("SENTINEL", "MYID")
    # A vote in a new epoch is persisted before the reply.
    c.execute_command("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", group.master.port, 7,
                      "a" * 40)
    s.kill9()
    group.restart_sentinel(s)
    c = s.client()
    assert c.execute_command("SENTINEL", "MYID") == myid
    assert c.info("sentinel") is not None
    # The vote for epoch 7 survived (as redis-sentinel, the file keeps its
    # epoch, not the candidate): a second candidate gets no vote in epoch 7.
    r = c.execute_command("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1",
                          group.master.port, 7, "b" * 40)
    assert r[1:] == ["*", 7]
    r = c.execute_command("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1",
                          group.master.port, 8, "b" * 40)
    assert r[1:] == ["b" * 40, 8]
    with open(s.conf) as f:
        text = f.read()
    assert "sentinel current-epoch 8" in text and f"sentinel myid {myid}" in text


def test_sdown_odown_without_quorum_no_failover():
    g = SentinelGroup(quorum=3).start()
    try:
        g.wait_discovery()
        g.sentinels[2].kill9()
        g.master.kill9()
        for s in g.sentinels[:2]:
            wait_until(lambda s=s: count_events(s, "+sdown") >= 1, 10, 0.05, "+sdown")
        # Quorum 3 with only two sentinels alive: never ODOWN, never a failover.
        deadline_wait = 4.0
        try:
            wait_until(lambda: any(count_events(s, "+odown") or count_events(s, "+try-failover")
                                   for s in g.sentinels[:2]), deadline_wait, 0.1, "odown")
            pytest.fail("ODOWN reached without quorum")
        except TimeoutError:
            pass
        assert g.agreed_master(g.sentinels[:2])[1] == g.master.port
    finally:
        g.cleanup()


def test_requirepass_and_config_file_required(tmp_path):
    import subprocess
    from sentinel_harness import vigil_sentinel_binary

    r = subprocess.run([vigil_sentinel_binary()], capture_output=True, timeout=5)
    assert r.returncode != 0
    bad = tmp_path / "bad.conf"
    bad.write_text("sentinel monitor m 127.0.0.1 6379 0\n")
    r = subprocess.run([vigil_sentinel_binary(), str(bad)], capture_output=True, timeout=5)
    assert r.returncode != 0 and b"Quorum must be 1 or greater" in r.stderr
    assert os.path.exists(bad)
