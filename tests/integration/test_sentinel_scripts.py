"""vigil-sentinel: notification and client-reconfig scripts, TILT, and
authentication (auth-pass/auth-user to data nodes, sentinel-pass between
sentinels, requirepass on the sentinel)."""

import os
import stat
import time

import pytest
import redis

from harness import wait_until
from sentinel_harness import SentinelGroup, count_events


def write_script(path, body):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
    return path


def lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def pending(c):
    return [dict(zip(j[0::2], j[1::2])) for j in c.execute_command("SENTINEL", "PENDING-SCRIPTS")]


@pytest.fixture(scope="module")
def solo():
    """One primary, one vigil-sentinel that may reconfigure scripts."""
    g = SentinelGroup(kinds=("vigil",), replicas=0, quorum=1,
                      sentinel_extra="sentinel deny-scripts-reconfig no\n").start()
    yield g
    g.cleanup()


def test_notification_script_gets_type_and_message(solo):
    c = solo.sentinels[0].client()
    out = os.path.join(solo.dir, "notify.out")
    script = write_script(os.path.join(solo.dir, "notify.sh"), f'echo "$1|$2" >> {out}\n')
    assert c.execute_command("SENTINEL", "SET", "mymaster", "notification-script", script) == "OK"
    c.execute_command("SENTINEL", "SET", "mymaster", "quorum", "1")
    port = solo.master.port
    want = f"+set|master mymaster 127.0.0.1 {port} quorum 1"
    wait_until(lambda: want in lines(out), 5, 0.05, "the script called for +set")
    assert all(line.count("|") == 1 for line in lines(out))


def test_exit_1_is_retried_exit_2_is_not(solo):
    c = solo.sentinels[0].client()
    c.execute_command("SENTINEL", "DEBUG", "script-retry-delay", "1000")
    out = os.path.join(solo.dir, "retry.out")
    flag = os.path.join(solo.dir, "retry.flag")
    # Fails (exit 1) the first time it runs for quorum 2, succeeds after.
    script = write_script(os.path.join(solo.dir, "retry.sh"),
                          f'case "$2" in *"quorum 2"*) ;; *) exit 0;; esac\n'
                          f'echo run >> {out}\n'
                          f'[ -e {flag} ] && exit 0\ntouch {flag}\nexit 1\n')
    c.execute_command("SENTINEL", "SET", "mymaster", "notification-script", script)
    c.execute_command("SENTINEL", "SET", "mymaster", "quorum", "2")
    wait_until(lambda: any(j["flags"] == "scheduled" and j["retry-num"] == "1"
                           for j in pending(c)), 5, 0.02, "a job scheduled for a retry")
    wait_until(lambda: len(lines(out)) == 2, 5, 0.05, "the retry to run")
    wait_until(lambda: not pending(c), 5, 0.05, "the queue to drain")

    p = c.pubsub()
    p.subscribe("-script-error")
    wait_until(lambda: p.get_message(timeout=0.1), 5, 0, "subscribed")
    out2 = os.path.join(solo.dir, "fail2.out")
    script2 = write_script(os.path.join(solo.dir, "fail2.sh"), f"echo run >> {out2}\nexit 2\n")
    c.execute_command("SENTINEL", "SET", "mymaster", "notification-script", script2)
    wait_until(lambda: (m := p.get_message(timeout=0.1)) and m["type"] == "message" and
               m["data"] == f"{script2} 0 2", 5, 0, "-script-error for exit 2")
    assert lines(out2) == ["run"]
    assert not pending(c)
    p.close()
    c.execute_command("SENTINEL", "SET", "mymaster", "quorum", "1", "notification-script", "")


def test_timeout_kills_and_concurrency_is_capped(solo):
    c = solo.sentinels[0].client()
    c.execute_command("SENTINEL", "DEBUG", "script-max-runtime", "1500",
                      "script-retry-delay", "60000")
    script = write_script(os.path.join(solo.dir, "slow.sh"), "exec sleep 30\n")
    wait_until(lambda: not pending(c), 5, 0.05, "an empty script queue")
    p = c.pubsub()
    p.subscribe("-script-timeout")
    wait_until(lambda: p.get_message(timeout=0.1), 5, 0, "subscribed")
    c.execute_command("SENTINEL", "SET", "mymaster", "notification-script", script)
    for _ in range(19):
        c.execute_command("SENTINEL", "SET", "mymaster", "quorum", "1")
    # 20 jobs, at most 16 running at once.
    info = wait_until(lambda: (i := c.info("sentinel"))["sentinel_running_scripts"] == 16 and i,
                      5, 0.02, "16 running scripts")
    assert info["sentinel_scripts_queue_length"] == 20
    jobs = pending(c)
    assert sum(j["flags"] == "running" for j in jobs) == 16
    assert all(int(j["pid"]) > 0 for j in jobs if j["flags"] == "running")
    wait_until(lambda: (m := p.get_message(timeout=0.1)) and m["type"] == "message" and
               m["data"].startswith(script + " "), 5, 0, "-script-timeout")
    # A killed script is retried later (here: after 60 s, so it waits).
    wait_until(lambda: any(j["flags"] == "scheduled" and j["retry-num"] == "1"
                           for j in pending(c)), 5, 0.05, "a killed script scheduled again")
    p.close()


def test_scripts_cannot_be_set_when_denied():
    g = SentinelGroup(kinds=("vigil",), replicas=0, quorum=1).start()
    try:
        c = g.sentinels[0].client()
        with pytest.raises(redis.ResponseError, match="deny-scripts-reconfig"):
            c.execute_command("SENTINEL", "SET", "mymaster", "client-reconfig-script", "/bin/true")
        c.execute_command("SENTINEL", "CONFIG", "SET", "sentinel-user", "x")
        with open(g.sentinels[0].conf) as f:
            assert "deny-scripts-reconfig no" not in f.read()
    finally:
        g.cleanup()


def test_client_reconfig_script_leader_and_observer():
    g = SentinelGroup(kinds=("vigil", "vigil"), replicas=1, quorum=1)
    script = write_script(os.path.join(g.dir, "reconf.sh"), f'echo "$@" >> {g.dir}/reconf.out\n')
    g.sentinel_extra = f"sentinel client-reconfig-script mymaster {script}\n"
    g.start()
    try:
        g.wait_discovery()
        old, new = g.master.port, g.replicas[0].port
        c = g.sentinels[0].client()

        def failover():
            try:
                return c.execute_command("SENTINEL", "FAILOVER", "mymaster")
            except redis.ResponseError as e:
                # The replica is eligible once its first INFO arrived.
                assert str(e).startswith("NOGOODSLAVE")
                return None

        wait_until(failover, 5, 0.1, "manual failover accepted")
        g.wait_failover(old, timeout=15)
        out = os.path.join(g.dir, "reconf.out")
        tail = f"start 127.0.0.1 {old} 127.0.0.1 {new}"
        wait_until(lambda: sorted(lines(out)) == [f"mymaster leader {tail}",
                                                  f"mymaster observer {tail}"],
                   10, 0.05, "leader and observer reconfig calls")
    finally:
        g.cleanup()


@pytest.mark.parametrize("kind", ["vigil", "redis"])
def test_tilt_after_a_stall(kind):
    g = SentinelGroup(kinds=(kind,), replicas=0, quorum=1).start()
    try:
        s = g.sentinels[0]
        c = s.client()
        c.execute_command("SENTINEL", "DEBUG", "tilt-period", "1500")
        p = c.pubsub()
        p.psubscribe("*tilt")
        wait_until(lambda: p.get_message(timeout=0.1), 5, 0, "subscribed")
        # The stimulus itself: the process is frozen longer than the 2 s
        # TILT trigger, as a loop stall or a clock jump would look.
        s.pause()
        try:
            time.sleep(2.5)
        finally:
            s.resume()
        events = []

        def got(name):
            m = p.get_message(timeout=0.1)
            if m and m["type"] == "pmessage":
                events.append(m["channel"])
            return name in events

        wait_until(lambda: got("+tilt"), 5, 0, "+tilt")
        info = c.info("sentinel")
        assert info["sentinel_tilt"] == 1
        # In TILT a sentinel does not vouch for anything being down.
        r = c.execute_command("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", g.master.port,
                              0, "*")
        assert r[0] == 0
        wait_until(lambda: got("-tilt"), 10, 0, "-tilt")
        assert c.info("sentinel")["sentinel_tilt"] == 0
        p.close()
    finally:
        g.cleanup()


# vigil-server has the default user only (no ACL users yet): its nodes are
# watched with auth-pass; redis-server's also through an ACL user.
@pytest.mark.parametrize("data", ["vigil", "redis"])
def test_auth_to_data_nodes_and_between_sentinels(data):
    server_conf = "requirepass datapw\nmasterauth datapw\n"
    extra = "requirepass sentpw\nsentinel sentinel-pass sentpw\n"
    if data == "redis":
        server_conf += "user watcher on >watchpw ~* &* +@all\n"
        extra += "sentinel auth-user mymaster watcher\nsentinel auth-pass mymaster watchpw\n"
    else:
        extra += "sentinel auth-pass mymaster datapw\n"
    g = SentinelGroup(kinds=("vigil", "vigil", "redis"), replicas=1, quorum=2,
                      server_conf=server_conf, server_password="datapw",
                      sentinel_extra=extra, sentinel_password="sentpw", data=data)
    g.start()
    try:
        # Replicas are found through INFO, which needs auth to the primary.
        g.wait_discovery()
        c = g.sentinels[0].client()

        def all_sentinels_answer():
            sents = c.execute_command("SENTINEL", "SENTINELS", "mymaster")
            return len(sents) == 2 and all(
                int(dict(zip(s[0::2], s[1::2]))["last-ok-ping-reply"]) < 1500 for s in sents)

        wait_until(all_sentinels_answer, 10, 0.1, "authenticated PINGs to the other sentinels")
        m = dict(zip(*[iter(c.execute_command("SENTINEL", "MASTER", "mymaster"))] * 2))
        assert m["flags"] == "master"
        with pytest.raises(redis.AuthenticationError):
            g.sentinels[0].client(password=None).execute_command("SENTINEL", "MASTERS")
        with pytest.raises(redis.ResponseError, match="WRONGPASS"):
            g.sentinels[0].client(password="wrong").ping()
        # A wrong sentinel-pass: the others stop answering this sentinel.
        c.execute_command("SENTINEL", "CONFIG", "SET", "sentinel-pass", "wrong")
        wait_until(lambda: all("s_down" in dict(zip(s[0::2], s[1::2]))["flags"]
                               for s in c.execute_command("SENTINEL", "SENTINELS", "mymaster")),
                   10, 0.1, "other sentinels s_down without valid credentials")
        assert count_events(g.sentinels[0], "+sdown") >= 2
    finally:
        g.cleanup()
